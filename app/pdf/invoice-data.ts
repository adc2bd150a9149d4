import type { PostalAddress } from "#db/schema/index";

/** A logo the PDF can embed without any I/O: decoded PNG or JPEG bytes. */
export type InvoiceLogo = { data: Buffer; format: "png" | "jpg" };

/** Everything an invoice shows, already resolved from the database: the document does no I/O. */
export type InvoiceData = {
  invoiceNumber: string;
  issuedAt: Date;
  status: "succeeded" | "refunded" | "partially_refunded";
  currency: string;
  merchant: { name: string; address: PostalAddress | null; supportEmail: string | null; logo: InvoiceLogo | null };
  customer: { name: string | null; email: string | null; address: PostalAddress | null; taxId: string | null };
  lines: { description: string; quantity: number; unitAmount: number; taxRateBps: number; amount: number; tax: number }[];
  subtotal: number;
  tax: number;
  total: number;
  amountRefunded: number;
  refunds: { createdAt: Date; amount: number; reason: string | null }[];
  paymentMethod: { type: string; brand: string | null; last4: string | null } | null;
};

/** Every word on the invoice, in one language (built from the i18n catalogue by labels.ts). */
export type InvoiceLabels = {
  invoice: string;
  invoiceNumber: string;
  issueDate: string;
  billedTo: string;
  from: string;
  taxId: string;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  tax: string;
  amount: string;
  subtotal: string;
  total: string;
  amountPaid: string;
  refunds: string;
  refunded: string;
  netPaid: string;
  paymentMethod: string;
  statusLabel: string;
  paymentMethods: Record<string, string>;
  endingIn: (last4: string) => string;
  status: Record<InvoiceData["status"], string>;
  questions: (email: string) => string;
};
