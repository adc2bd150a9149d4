import { merchantApiRoute } from "~/api/route.server";
import { InvoiceQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { requireInvoicePdf } from "~/models/invoices.server";
import { invoiceFilename, invoiceHeaders } from "~/pdf/filename";

// merchantApiRoute answers JSON, but passes a thrown Response through untouched: throwing the PDF
// keeps the helper's key auth, rate limit and JSON error objects for this binary answer.
const route = merchantApiRoute({
  GET: async ({ merchant, params, query }) => {
    const { locale } = parseInput(InvoiceQuerySchema, query);
    const { invoiceNumber, pdf } = await requireInvoicePdf({ merchantId: merchant.id, paymentId: params.id!, locale });
    const filename = invoiceFilename({ invoiceNumber });
    throw new Response(pdf, { status: 200, headers: invoiceHeaders({ filename, byteLength: pdf.byteLength }) });
  },
});

export const loader = route;
