import { createHash } from "node:crypto";
import { en } from "~/i18n/en";
import { ko } from "~/i18n/ko";
import { translator, type Locale } from "~/i18n/index";
import type { InvoiceLabels } from "./invoice-data";

/** The invoice's words in a portal language, from the `invoice` area of the i18n catalogues. */
export function invoiceLabels(locale: Locale): InvoiceLabels {
  const t = translator(locale);
  return {
    invoice: t("invoice.invoice"),
    invoiceNumber: t("invoice.invoiceNumber"),
    issueDate: t("invoice.issueDate"),
    billedTo: t("invoice.billedTo"),
    from: t("invoice.from"),
    taxId: t("invoice.taxId"),
    description: t("invoice.description"),
    quantity: t("invoice.quantity"),
    unitPrice: t("invoice.unitPrice"),
    taxRate: t("invoice.taxRate"),
    tax: t("invoice.tax"),
    amount: t("invoice.amount"),
    subtotal: t("invoice.subtotal"),
    total: t("invoice.total"),
    amountPaid: t("invoice.amountPaid"),
    refunds: t("invoice.refunds"),
    refunded: t("invoice.refunded"),
    netPaid: t("invoice.netPaid"),
    paymentMethod: t("invoice.paymentMethod"),
    statusLabel: t("invoice.status"),
    paymentMethods: {
      card: t("invoice.methodCard"),
      upi: t("invoice.methodUpi"),
      bank_transfer: t("invoice.methodBankTransfer"),
      wallet: t("invoice.methodWallet"),
      other: t("invoice.methodOther"),
    },
    endingIn: (last4) => t("invoice.endingIn", { last4 }),
    status: {
      succeeded: t("invoice.statusSucceeded"),
      refunded: t("invoice.statusRefunded"),
      partially_refunded: t("invoice.statusPartiallyRefunded"),
    },
    questions: (email) => t("invoice.questions", { email }),
  };
}

/**
 * Bump when the document's layout, fonts or formatting change: cached PDFs of another version
 * are rendered again. Label changes need no bump, they are hashed into the version below.
 */
export const INVOICE_LAYOUT_VERSION = 2;

const catalogues = { en, ko };
const versions = new Map<Locale, string>();

/** The cache version of a locale's invoice: the layout version plus a hash of its labels. */
export function invoiceDocumentVersion(locale: Locale): string {
  let version = versions.get(locale);
  if (!version) {
    const labels = JSON.stringify({ own: catalogues[locale].invoice, fallback: catalogues.en.invoice });
    version = `${INVOICE_LAYOUT_VERSION}.${createHash("sha256").update(labels).digest("hex").slice(0, 12)}`;
    versions.set(locale, version);
  }
  return version;
}
