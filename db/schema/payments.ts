import { sql } from "drizzle-orm";
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef, merchants } from "./merchants";
import { subscriptions } from "./subscriptions";

export const paymentStatuses = [
  "succeeded",
  "failed",
  "pending",
  "refunded",
  "partially_refunded",
] as const;
/** What a merchant may record a new payment as, and what a pending one may settle to. */
export const newPaymentStatuses = ["succeeded", "failed", "pending"] as const;
export const settledPaymentStatuses = ["succeeded", "failed"] as const;
/** A payment that succeeded (and may since be refunded): it has an invoice. */
export const invoicedPaymentStatuses = ["succeeded", "refunded", "partially_refunded"] as const;

export type InvoicedPaymentStatus = (typeof invoicedPaymentStatuses)[number];

export const isInvoiced = (status: string): status is InvoicedPaymentStatus =>
  (invoicedPaymentStatuses as readonly string[]).includes(status);

export const paymentMethodTypes = ["card", "upi", "bank_transfer", "wallet", "other"] as const;

export type PaymentMethod = {
  type: (typeof paymentMethodTypes)[number];
  brand?: string | null;
  last4?: string | null;
};

export const payments = sqliteTable(
  "payments",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    subscriptionId: text().references(() => subscriptions.id),
    status: text({ enum: paymentStatuses }).notNull(),
    currency: text().notNull(),
    // All amounts are integer minor units: amount = subtotal + tax.
    subtotal: integer().notNull(),
    tax: integer().notNull(),
    amount: integer().notNull(),
    amountRefunded: integer().notNull().default(0),
    paymentMethod: text({ mode: "json" }).$type<PaymentMethod | null>(),
    // Assigned once, when the payment first succeeds, from invoice_counters; never reused.
    invoiceNumber: text(),
    invoicedAt: timestamp(),
    failureReason: text(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    uniqueIndex("payments_merchant_invoice_number_uq")
      .on(t.merchantId, t.invoiceNumber)
      .where(sql`invoice_number is not null`),
    index("payments_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq),
    index("payments_customer_created_idx").on(t.customerId, t.createdAt, t.seq),
    check("payments_refund_bounds", sql`amount_refunded >= 0 and amount_refunded <= amount`),
  ],
);

export const paymentItems = sqliteTable(
  "payment_items",
  {
    seq: seq(),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    position: integer().notNull(),
    description: text().notNull(),
    quantity: integer().notNull(),
    unitAmount: integer().notNull(),
    taxRateBps: integer().notNull().default(0),
    // quantity × unit_amount, and round-half-away-from-zero(line × bps / 10000).
    lineAmount: integer().notNull(),
    tax: integer().notNull(),
  },
  (t) => [uniqueIndex("payment_items_payment_position_uq").on(t.paymentId, t.position)],
);

export const refunds = sqliteTable(
  "refunds",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    amount: integer().notNull(),
    currency: text().notNull(),
    reason: text(),
    createdAt: createdAt(),
  },
  // By merchant and date: the dashboard overview's refunds of the last 30 days (without it, every
  // refund of every merchant was read).
  (t) => [index("refunds_payment_idx").on(t.paymentId, t.createdAt), index("refunds_merchant_created_idx").on(t.merchantId, t.createdAt)],
);

/**
 * Per merchant, UTC day (created_at ÷ 86,400,000) and currency: what the dashboard overview
 * shows, summed as payments and refunds are written — by triggers in plain SQL (migration 0010),
 * so every writer keeps it, the sqlite3 shell included. `invoiced_amount` sums the amounts of
 * payments with an invoiced status (succeeded, refunded, partially refunded: the overview's gross),
 * `failed_payments` counts the failed ones, `refunded` sums refunds by their own date. Derived
 * data, rebuilt from payments and refunds by the migration; no foreign key, as nothing reads it
 * by its merchant but the overview.
 */
export const paymentDays = sqliteTable(
  "payment_days",
  {
    merchantId: text().notNull(),
    day: integer().notNull(),
    currency: text().notNull(),
    invoicedAmount: integer().notNull().default(0),
    failedPayments: integer().notNull().default(0),
    refunded: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.day, t.currency] })],
);

// One row per merchant; incremented inside the transaction that makes a payment succeed,
// so numbers have no gaps and no duplicates.
export const invoiceCounters = sqliteTable("invoice_counters", {
  merchantId: text()
    .primaryKey()
    .references(() => merchants.id),
  lastNumber: integer().notNull().default(0),
});

// Rendered invoice PDFs. An issued invoice is immutable except for refunds, so the cache key
// is (payment, locale, amount refunded at render time); `version` names the layout and labels
// it was rendered with, and a row of another version is rendered again and replaced.
export const invoiceDocuments = sqliteTable(
  "invoice_documents",
  {
    paymentId: text()
      .notNull()
      .references(() => payments.id),
    locale: text().notNull(),
    amountRefunded: integer().notNull(),
    version: text().notNull().default(""),
    pdf: blob({ mode: "buffer" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.paymentId, t.locale, t.amountRefunded] })],
);

export type Payment = typeof payments.$inferSelect;
export type PaymentItem = typeof paymentItems.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
