import { and, eq, sql } from "drizzle-orm";
import { customers, invoiceDocuments, isInvoiced, merchants, payments } from "#db/schema/index";
import { matchLocale, fallbackLocale, type Locale } from "~/i18n/index";
import type { InvoiceData } from "~/pdf/invoice-data";
import { invoiceDocumentVersion } from "~/pdf/labels";
import { logoFromUrl } from "~/pdf/logo";
import { pdfRenderer } from "~/pdf/pool.server";
import { ByteCache } from "~/utils/lru-cache.server";
import { now } from "~/utils/clock.server";
import { createCommitCache } from "~/utils/commit-cache.server";
import { db, sqlite, writeTransaction } from "~/utils/db.server";
import { logger } from "~/utils/logger.server";
import { getCustomerOfRecord } from "./customers.server";
import { notFound } from "./errors.server";
import { getMerchantById, merchantDisplayName } from "./merchants.server";
import { listRefunds, requirePayment } from "./payments.server";

/**
 * The invoice of a payment that succeeded (now succeeded, refunded or partially refunded).
 * With `customerId` (the portal) the payment must also be that customer's. A payment without
 * an invoice number has no invoice: 404.
 */
export function requireInvoiceData(opts: { merchantId: string; customerId?: string; paymentId: string }): InvoiceData {
  const { payment, items } = requirePayment({ merchantId: opts.merchantId, customerId: opts.customerId, id: opts.paymentId });
  if (!payment.invoiceNumber || !payment.invoicedAt || !isInvoiced(payment.status)) {
    throw notFound("invoice for payment", payment.id);
  }
  const merchant = getMerchantById(payment.merchantId)!;
  // Deleted customers keep their invoices.
  const customer = getCustomerOfRecord({ merchantId: payment.merchantId, id: payment.customerId })!;
  const branding = merchant.portalSettings.branding;
  return {
    invoiceNumber: payment.invoiceNumber,
    issuedAt: payment.invoicedAt,
    status: payment.status,
    currency: payment.currency,
    merchant: {
      name: merchantDisplayName(merchant),
      address: merchant.address,
      supportEmail: branding.support_email,
      logo: logoFromUrl(branding.logo_url),
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

/**
 * The invoice's language: the one the API request asked for, else the customer's
 * document_locale, else the portal page's language, else the merchant's default.
 */
export function invoiceLocale(opts: {
  requested?: string | null;
  documentLocale?: string | null;
  pageLocale?: string | null;
  merchantDefault?: string | null;
}): Locale {
  return matchLocale(opts.requested) ?? matchLocale(opts.documentLocale) ?? matchLocale(opts.pageLocale) ?? matchLocale(opts.merchantDefault) ?? fallbackLocale;
}

// The hot path (a cached download) is two indexed reads: prepared once, not rebuilt per call.
const invoicedPayment = db
  .select({
    id: payments.id,
    status: payments.status,
    invoiceNumber: payments.invoiceNumber,
    amountRefunded: payments.amountRefunded,
    merchantSlug: merchants.slug,
    // Two settings, not the whole portal settings document parsed on every download.
    defaultLocale: sql<string | null>`${merchants.portalSettings} ->> '$.branding.default_locale'`,
    brandColor: sql<string | null>`${merchants.portalSettings} ->> '$.branding.brand_color'`,
    documentLocale: customers.documentLocale,
  })
  .from(payments)
  .innerJoin(merchants, eq(merchants.id, payments.merchantId))
  .innerJoin(customers, eq(customers.id, payments.customerId))
  .where(
    and(
      eq(payments.id, sql.placeholder("paymentId")),
      eq(payments.merchantId, sql.placeholder("merchantId")),
      // No customer filter from the API: the placeholder is then null and matches every row.
      sql`(${sql.placeholder("customerId")} is null or ${payments.customerId} = ${sql.placeholder("customerId")})`,
    ),
  )
  .prepare();

const documentWhere = and(
  eq(invoiceDocuments.paymentId, sql.placeholder("paymentId")),
  eq(invoiceDocuments.locale, sql.placeholder("locale")),
  eq(invoiceDocuments.amountRefunded, sql.placeholder("amountRefunded")),
  eq(invoiceDocuments.version, sql.placeholder("version")),
);
// Whether the document is stored, and when it was written, without reading its bytes.
const storedDocument = db
  .select({ createdAtMs: sql<number>`${invoiceDocuments.createdAt}` })
  .from(invoiceDocuments)
  .where(documentWhere)
  .prepare();

const cachedDocument = db.select({ pdf: invoiceDocuments.pdf }).from(invoiceDocuments).where(documentWhere).prepare();

// The bytes of recently served invoices, by stored row: (payment, locale, amount refunded,
// version) and when the row was written. The payment (with its merchant and customer) and the
// row are read before the cache is asked, so the table stays the authority and a rewritten row is
// another key; only the 30 KB read of the bytes is saved. Bounded by size, not count.
const recentDocuments = new ByteCache<Uint8Array<ArrayBuffer>>(16 * 1024 * 1024);

// Concurrent first downloads of one invoice share one render (single flight): key → the render
// and how many downloads wait on it.
const rendering = new Map<string, { pdf: Promise<Uint8Array<ArrayBuffer>>; waiters: number }>();

/** Renders in flight and the downloads waiting on them (the test suite's view of single flight). */
export function invoiceRendersInFlight() {
  let waiters = 0;
  for (const entry of rendering.values()) waiters += entry.waiters;
  return { renders: rendering.size, waiters };
}

async function renderAndStore(opts: { merchantId: string; paymentId: string; locale: Locale; version: string; brandColor: string | null }) {
  const invoice = requireInvoiceData({ merchantId: opts.merchantId, paymentId: opts.paymentId });
  // In a worker thread: the event loop keeps serving while the PDF is laid out.
  const rendered = await pdfRenderer.render({ invoice, locale: opts.locale, brandColor: opts.brandColor });
  const pdf = rendered.pdf;
  if (rendered.logoError) {
    logger.warn({ payment_id: opts.paymentId, error: rendered.logoError }, "invoice logo could not be rendered; rendered without it");
  }
  logger.info({ msg: "invoice rendered", payment_id: opts.paymentId, locale: opts.locale, thread_id: rendered.threadId, render_ms: rendered.renderMs });
  const row = {
    paymentId: opts.paymentId,
    locale: opts.locale,
    amountRefunded: invoice.amountRefunded,
    version: opts.version,
    pdf: Buffer.from(pdf),
    createdAt: now(),
  };
  writeTransaction(() => {
    // A row of an older layout has the same key: it is replaced, so an upgrade never serves it.
    db.insert(invoiceDocuments)
      .values(row)
      .onConflictDoUpdate({
        target: [invoiceDocuments.paymentId, invoiceDocuments.locale, invoiceDocuments.amountRefunded],
        set: { version: row.version, pdf: row.pdf, createdAt: row.createdAt },
        setWhere: sql`${invoiceDocuments.version} <> ${row.version}`,
      })
      .run();
  });
  return pdf;
}

type InvoicePdfRequest = {
  merchantId: string;
  customerId?: string;
  paymentId: string;
  /** Asked for explicitly (the API's `?locale=`): wins over the customer's document_locale. */
  locale?: string | null;
  /** The portal page's language: used when the customer has no document_locale. */
  pageLocale?: string | null;
};
type InvoicePdf = { invoiceNumber: string; merchantSlug: string; locale: Locale; pdf: Uint8Array<ArrayBuffer> };
type FoundInvoice = {
  payment: NonNullable<ReturnType<typeof invoicedPayment.get>> & { invoiceNumber: string };
  locale: Locale;
  version: string;
  /** The document's key: payment, locale, amount refunded, layout version. */
  key: string;
  /** The answer, when the document is stored. */
  stored: InvoicePdf | null;
};

/** The payment's invoice and, when it is stored, its bytes: reads only (404 without an invoice). */
function findInvoice(opts: InvoicePdfRequest): FoundInvoice {
  const payment = invoicedPayment.get({ paymentId: opts.paymentId, merchantId: opts.merchantId, customerId: opts.customerId ?? null });
  if (!payment) throw notFound("payment", opts.paymentId);
  const invoiceNumber = payment.invoiceNumber;
  if (!invoiceNumber || !isInvoiced(payment.status)) {
    throw notFound("invoice for payment", payment.id);
  }
  const locale = invoiceLocale({
    requested: opts.locale,
    documentLocale: payment.documentLocale,
    pageLocale: opts.pageLocale,
    merchantDefault: payment.defaultLocale,
  });
  const version = invoiceDocumentVersion(locale);
  const key = `${payment.id}|${locale}|${payment.amountRefunded}|${version}`;
  const found = { payment: { ...payment, invoiceNumber }, locale, version, key, stored: null };
  const where = { paymentId: payment.id, locale, amountRefunded: payment.amountRefunded, version };
  const row = storedDocument.get(where);
  if (!row) return found;
  const result = { invoiceNumber, merchantSlug: payment.merchantSlug, locale };
  const rowKey = `${key}|${row.createdAtMs}`;
  const recent = recentDocuments.get(rowKey);
  if (recent) return { ...found, stored: { ...result, pdf: recent } };
  const cached = cachedDocument.get(where);
  if (!cached) return found;
  const pdf = new Uint8Array(cached.pdf);
  recentDocuments.set(rowKey, pdf);
  return { ...found, stored: { ...result, pdf } };
}

// A stored invoice's answer, by request, kept until the next write to the database (ADR 014): a
// refund, a re-render, a changed customer or merchant empties it, and each download after that
// reads the payment and the row again. The bytes are the same arrays `recentDocuments` holds.
const storedInvoices = createCommitCache<InvoicePdf | null>(sqlite, {
  maxEntries: 1024,
  maxBytes: 16 * 1024 * 1024,
  sizeOf: (answer) => answer?.pdf.byteLength ?? 0,
  worthKeeping: (answer) => answer !== null,
});

/**
 * The invoice PDF, rendered once per (payment, locale, amount refunded, document version) and
 * then served from invoice_documents: an issued invoice only changes when a refund is added.
 * The portal and the API get the same bytes for the same locale. Not found without an invoice.
 */
export async function requireInvoicePdf(opts: InvoicePdfRequest): Promise<Readonly<InvoicePdf>> {
  const cacheKey = JSON.stringify([opts.merchantId, opts.customerId ?? null, opts.paymentId, opts.locale ?? null, opts.pageLocale ?? null]);
  let found: FoundInvoice | undefined;
  const stored = storedInvoices.read(cacheKey, () => {
    found = findInvoice(opts);
    return found.stored;
  });
  if (stored) return stored;
  const { payment, locale, version, key } = found!;

  let pending = rendering.get(key);
  if (!pending) {
    const pdf = renderAndStore({ merchantId: opts.merchantId, paymentId: payment.id, locale, version, brandColor: payment.brandColor });
    pending = { pdf, waiters: 0 };
    rendering.set(key, pending);
    void pdf.finally(() => rendering.delete(key)).catch(() => {});
  }
  pending.waiters++;
  try {
    return { invoiceNumber: payment.invoiceNumber, merchantSlug: payment.merchantSlug, locale, pdf: await pending.pdf };
  } finally {
    pending.waiters--;
  }
}
