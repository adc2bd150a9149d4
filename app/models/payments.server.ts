import { and, asc, desc, eq, sql } from "drizzle-orm";
import { isInvoiced, paymentItems, payments, refunds, type newPaymentStatuses, type Payment, type PaymentItem, type PaymentMethod, type Refund } from "#db/schema/index";
import { formatInvoiceNumber } from "~/billing/invoice-number";
import { AmountOverflowError, priceLines, refundableAmount, statusAfterRefund, type LineInput } from "~/billing/money";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { requireCustomer } from "./customers.server";
import { conflict, invalidField, notFound, invalid } from "./errors.server";
import { owned } from "./ownership.server";
import { pageOf, paginate } from "./pagination.server";
import { requireSubscription } from "./subscriptions.server";

export type PaymentInput = {
  customer_id: string;
  subscription_id?: string | null;
  status: (typeof newPaymentStatuses)[number];
  currency: string;
  items: (LineInput & { description: string })[];
  payment_method?: PaymentMethod | null;
  failure_reason?: string | null;
  created_at?: Date;
};

export type PaymentWithItems = { payment: Payment; items: PaymentItem[] };

// A backdated import is fine; a payment from the future is a mistake in the caller's clock.
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

export function serializePayment({ payment: p, items }: PaymentWithItems) {
  return {
    id: p.id,
    object: "payment" as const,
    customer_id: p.customerId,
    subscription_id: p.subscriptionId,
    status: p.status,
    amount: p.amount,
    amount_refunded: p.amountRefunded,
    currency: p.currency,
    items: items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unit_amount: i.unitAmount,
      tax_rate_bps: i.taxRateBps,
      amount: i.lineAmount,
      tax: i.tax,
    })),
    tax: p.tax,
    subtotal: p.subtotal,
    payment_method: p.paymentMethod
      ? { type: p.paymentMethod.type, brand: p.paymentMethod.brand ?? null, last4: p.paymentMethod.last4 ?? null }
      : null,
    invoice_number: p.invoiceNumber,
    failure_reason: p.failureReason,
    created_at: p.createdAt.toISOString(),
  };
}

export function serializeRefund(r: Refund) {
  return {
    id: r.id,
    object: "refund" as const,
    payment_id: r.paymentId,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    created_at: r.createdAt.toISOString(),
  };
}

// Prepared once: a page's items by its payments' ids (one JSON array bound, any page size).
const itemsOfPayments = db
  .select()
  .from(paymentItems)
  .where(sql`${paymentItems.paymentId} in (select value from json_each(${sql.placeholder("ids")}))`)
  .orderBy(asc(paymentItems.paymentId), asc(paymentItems.position))
  .prepare();

function itemsOf(paymentIds: string[]) {
  if (paymentIds.length === 0) return new Map<string, PaymentItem[]>();
  const rows = itemsOfPayments.all({ ids: JSON.stringify(paymentIds) });
  const byPayment = new Map<string, PaymentItem[]>();
  for (const row of rows) byPayment.set(row.paymentId, [...(byPayment.get(row.paymentId) ?? []), row]);
  return byPayment;
}

/**
 * One payment of this merchant (and of this customer, when given); otherwise not found. Deleted
 * customers' payments stay readable.
 */
export function requirePayment(opts: { merchantId: string; customerId?: string; id: string; field?: string }): PaymentWithItems {
  const payment = db
    .select()
    .from(payments)
    .where(owned(payments, opts))
    .get();
  if (!payment) throw notFound("payment", opts.id, opts.field);
  return { payment, items: itemsOf([payment.id]).get(payment.id) ?? [] };
}

// Prepared once: the first page of one customer's payments — the portal's billing page, the
// dashboard's customer page, the API's `customer_id` filter — is the most read list. The same
// query `paginate` builds for it (payments_customer_created_idx); later pages and other filters
// go through `paginate`.
const customerPaymentsFirstPage = db
  .select()
  .from(payments)
  .where(and(eq(payments.merchantId, sql.placeholder("merchantId")), eq(payments.customerId, sql.placeholder("customerId"))))
  .orderBy(desc(payments.createdAt), desc(payments.seq))
  .limit(sql.placeholder("limit"))
  .prepare();

export function listPayments(opts: {
  merchantId: string;
  customerId?: string;
  status?: Payment["status"];
  limit: number;
  startingAfter?: string;
}) {
  const page =
    opts.customerId && !opts.status && !opts.startingAfter
      ? pageOf(customerPaymentsFirstPage.all({ merchantId: opts.merchantId, customerId: opts.customerId, limit: opts.limit + 1 }), opts.limit)
      : paginate({
          table: payments,
          where: and(
            eq(payments.merchantId, opts.merchantId),
            opts.customerId ? eq(payments.customerId, opts.customerId) : undefined,
            opts.status ? eq(payments.status, opts.status) : undefined,
          ),
          limit: opts.limit,
          startingAfter: opts.startingAfter,
        });
  const items = itemsOf(page.rows.map((p) => p.id));
  return { rows: page.rows.map((payment) => ({ payment, items: items.get(payment.id) ?? [] })), hasMore: page.hasMore };
}

/**
 * The merchant's next invoice number. Must run inside the transaction that makes the payment
 * succeed: the counter row is locked by the IMMEDIATE transaction, so numbers have no gaps
 * (a rollback undoes the increment) and no duplicates (the unique index is the last guard).
 */
export function nextInvoiceNumber(merchantId: string): string {
  const row = db.get<{ last_number: number }>(sql`
    insert into invoice_counters (merchant_id, last_number) values (${merchantId}, 1)
    on conflict (merchant_id) do update set last_number = last_number + 1
    returning last_number`);
  return formatInvoiceNumber(row.last_number);
}

export function createPayment({ merchantId, input, actor }: { merchantId: string; input: PaymentInput; actor: Actor }) {
  const customer = requireCustomer({ merchantId, id: input.customer_id, field: "customer_id" });
  if (input.subscription_id) {
    requireSubscription({ merchantId, customerId: customer.id, id: input.subscription_id, field: "subscription_id" });
  }
  if (input.failure_reason && input.status !== "failed") {
    throw invalidField("failure_reason", "failure_reason is only for failed payments.");
  }
  const at = now();
  const createdAt = input.created_at ?? at;
  if (createdAt.getTime() > at.getTime() + FUTURE_TOLERANCE_MS) {
    throw invalidField("created_at", "created_at must not be in the future.");
  }
  let totals;
  try {
    totals = priceLines(input.items);
  } catch (error) {
    if (error instanceof AmountOverflowError) throw invalidField("items", "The payment total is too large.");
    throw error;
  }
  const succeeded = input.status === "succeeded";
  const payment = db
    .insert(payments)
    .values({
      id: newId("payment"),
      merchantId,
      customerId: customer.id,
      subscriptionId: input.subscription_id ?? null,
      status: input.status,
      currency: input.currency,
      subtotal: totals.subtotal,
      tax: totals.tax,
      amount: totals.amount,
      paymentMethod: input.payment_method ?? null,
      invoiceNumber: succeeded ? nextInvoiceNumber(merchantId) : null,
      invoicedAt: succeeded ? createdAt : null,
      failureReason: input.failure_reason ?? null,
      createdAt,
      updatedAt: at,
    })
    .returning()
    .get();
  const items = totals.lines.map((line, position) =>
    db
      .insert(paymentItems)
      .values({
        paymentId: payment.id,
        position,
        description: input.items[position].description,
        quantity: line.quantity,
        unitAmount: line.unit_amount,
        taxRateBps: line.tax_rate_bps,
        lineAmount: line.amount,
        tax: line.tax,
      })
      .returning()
      .get(),
  );
  audit({ merchantId, actor, action: "payment.created", objectType: "payment", objectId: payment.id, data: { status: payment.status } });
  return { payment, items };
}

/** pending → succeeded | failed, nothing else. Success assigns the invoice number, once. */
export function settlePayment(opts: { merchantId: string; id: string; status: "succeeded" | "failed"; actor: Actor }) {
  const current = requirePayment({ merchantId: opts.merchantId, id: opts.id });
  if (current.payment.status !== "pending") {
    throw conflict("payment_not_pending", `Only a pending payment can change status; this one is ${current.payment.status}.`, "status");
  }
  const at = now();
  const succeeded = opts.status === "succeeded";
  const payment = db
    .update(payments)
    .set({
      status: opts.status,
      ...(succeeded ? { invoiceNumber: nextInvoiceNumber(opts.merchantId), invoicedAt: at } : {}),
      updatedAt: at,
    })
    .where(and(eq(payments.id, current.payment.id), eq(payments.status, "pending")))
    .returning()
    .get();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: `payment.${opts.status}`, objectType: "payment", objectId: payment.id });
  return { payment, items: current.items };
}

export function listRefunds({ paymentId }: { paymentId: string }) {
  return db.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(asc(refunds.createdAt), asc(refunds.seq)).all();
}

/**
 * A partial or full refund. Runs in the caller's write transaction, which serializes refunds
 * of one payment; the payments_refund_bounds check constraint is the last guard.
 */
export function refundPayment(opts: { merchantId: string; paymentId: string; amount?: number; reason?: string | null; actor: Actor }) {
  const { payment } = requirePayment({ merchantId: opts.merchantId, id: opts.paymentId });
  if (!isInvoiced(payment.status)) {
    throw invalid("payment_not_refundable", `A ${payment.status} payment cannot be refunded.`);
  }
  const remaining = refundableAmount({ amount: payment.amount, amount_refunded: payment.amountRefunded });
  if (remaining === 0) throw invalid("payment_fully_refunded", "This payment is already fully refunded.", "amount");
  const amount = opts.amount ?? remaining;
  if (amount > remaining) {
    throw invalid("refund_exceeds_remaining", `At most ${remaining} can still be refunded on this payment.`, "amount");
  }
  const at = now();
  const refund = db
    .insert(refunds)
    .values({
      id: newId("refund"),
      merchantId: opts.merchantId,
      paymentId: payment.id,
      amount,
      currency: payment.currency,
      reason: opts.reason ?? null,
      createdAt: at,
    })
    .returning()
    .get();
  const refunded = payment.amountRefunded + amount;
  db.update(payments)
    .set({ amountRefunded: refunded, status: statusAfterRefund(payment.amount, refunded), updatedAt: at })
    .where(eq(payments.id, payment.id))
    .run();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: "refund.created", objectType: "refund", objectId: refund.id, data: { payment_id: payment.id, amount } });
  return refund;
}
