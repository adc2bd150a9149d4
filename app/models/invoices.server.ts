import { and, eq } from "drizzle-orm";
import { customers, invoiceDocuments, merchants } from "#db/schema/index";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/api/errors.server";
import type { InvoiceData, InvoiceLabels } from "~/pdf/invoice-data";
import { renderInvoicePdf } from "~/pdf/render.server";
import { getPayment, listRefunds } from "./payments.server";

/**
 * The invoice of a payment that succeeded (now succeeded, refunded or partially refunded).
 * With `customerId` (the portal) the payment must also be that customer's. A payment without
 * an invoice number has no invoice: 404.
 */
export function getInvoiceData(opts: { merchantId: string; customerId?: string; paymentId: string }): InvoiceData {
  const { payment, items } = getPayment({ merchantId: opts.merchantId, customerId: opts.customerId, id: opts.paymentId });
  if (!payment.invoiceNumber || !payment.invoicedAt || payment.status === "pending" || payment.status === "failed") {
    throw notFound("invoice for payment", payment.id);
  }
  const merchant = db.select().from(merchants).where(eq(merchants.id, payment.merchantId)).get()!;
  // Deleted customers keep their invoices: no deleted_at filter here.
  const customer = db
    .select()
    .from(customers)
    .where(and(eq(customers.id, payment.customerId), eq(customers.merchantId, payment.merchantId)))
    .get()!;
  return {
    invoiceNumber: payment.invoiceNumber,
    issuedAt: payment.invoicedAt,
    status: payment.status,
    currency: payment.currency,
    merchant: {
      name: merchant.portalSettings.branding.display_name ?? merchant.name,
      address: merchant.address,
      supportEmail: merchant.portalSettings.branding.support_email,
    },
    customer: { name: customer.name, email: customer.email, address: customer.billingAddress, taxId: customer.taxId },
    lines: items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unitAmount: i.unitAmount,
      taxRateBps: i.taxRateBps,
      amount: i.lineAmount,
      tax: i.tax,
    })),
    subtotal: payment.subtotal,
    tax: payment.tax,
    total: payment.amount,
    amountRefunded: payment.amountRefunded,
    refunds: listRefunds({ paymentId: payment.id }).map((r) => ({ createdAt: r.createdAt, amount: r.amount, reason: r.reason })),
    paymentMethod: payment.paymentMethod
      ? { type: payment.paymentMethod.type, brand: payment.paymentMethod.brand ?? null, last4: payment.paymentMethod.last4 ?? null }
      : null,
  };
}

export const invoiceFilename = (invoiceNumber: string) => `${invoiceNumber}.pdf`;

/**
 * The invoice PDF, rendered once per (payment, locale, amount refunded) and then served from
 * invoice_documents: an issued invoice only changes when a refund is added.
 */
export async function getInvoicePdf(opts: {
  merchantId: string;
  customerId?: string;
  paymentId: string;
  locale?: string;
  labels?: InvoiceLabels;
}): Promise<{ filename: string; pdf: Uint8Array<ArrayBuffer> }> {
  const invoice = getInvoiceData(opts);
  const merchant = db.select({ portalSettings: merchants.portalSettings }).from(merchants).where(eq(merchants.id, opts.merchantId)).get()!;
  const locale = opts.locale ?? merchant.portalSettings.branding.default_locale ?? "en";
  const key = and(
    eq(invoiceDocuments.paymentId, opts.paymentId),
    eq(invoiceDocuments.locale, locale),
    eq(invoiceDocuments.amountRefunded, invoice.amountRefunded),
  );
  const cached = db.select({ pdf: invoiceDocuments.pdf }).from(invoiceDocuments).where(key).get();
  if (cached) return { filename: invoiceFilename(invoice.invoiceNumber), pdf: new Uint8Array(cached.pdf) };
  const pdf = await renderInvoicePdf({
    invoice,
    locale,
    labels: opts.labels,
    brandColor: merchant.portalSettings.branding.brand_color,
  });
  writeTransaction(() => {
    db.insert(invoiceDocuments)
      .values({ paymentId: opts.paymentId, locale, amountRefunded: invoice.amountRefunded, pdf: Buffer.from(pdf), createdAt: now() })
      .onConflictDoNothing()
      .run();
  });
  return { filename: invoiceFilename(invoice.invoiceNumber), pdf };
}
