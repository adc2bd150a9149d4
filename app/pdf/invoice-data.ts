import type { PostalAddress } from "#db/schema/index";

/** Everything an invoice shows, already resolved from the database: the document does no I/O. */
export type InvoiceData = {
  invoiceNumber: string;
  issuedAt: Date;
  status: "succeeded" | "refunded" | "partially_refunded";
  currency: string;
  merchant: { name: string; address: PostalAddress | null; supportEmail: string | null };
  customer: { name: string | null; email: string; address: PostalAddress | null; taxId: string | null };
  lines: { description: string; quantity: number; unitAmount: number; taxRateBps: number; amount: number; tax: number }[];
  subtotal: number;
  tax: number;
  total: number;
  amountRefunded: number;
  refunds: { createdAt: Date; amount: number; reason: string | null }[];
  paymentMethod: { type: string; brand: string | null; last4: string | null } | null;
};

/** Every word on the invoice. The portal passes its translated catalogue; English is the default. */
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
  paymentMethods: Record<string, string>;
  endingIn: (last4: string) => string;
  status: Record<InvoiceData["status"], string>;
  questions: (email: string) => string;
};

export const englishInvoiceLabels: InvoiceLabels = {
  invoice: "Invoice",
  invoiceNumber: "Invoice number",
  issueDate: "Date of issue",
  billedTo: "Billed to",
  from: "From",
  taxId: "Tax ID",
  description: "Description",
  quantity: "Qty",
  unitPrice: "Unit price",
  taxRate: "Tax rate",
  tax: "Tax",
  amount: "Amount",
  subtotal: "Subtotal",
  total: "Total",
  amountPaid: "Amount paid",
  refunds: "Refunds",
  refunded: "Refunded",
  netPaid: "Net paid",
  paymentMethod: "Payment method",
  paymentMethods: { card: "Card", upi: "UPI", bank_transfer: "Bank transfer", wallet: "Wallet", other: "Other" },
  endingIn: (last4) => `ending in ${last4}`,
  status: { succeeded: "Paid", refunded: "Refunded", partially_refunded: "Partially refunded" },
  questions: (email) => `Questions? Contact ${email}`,
};
