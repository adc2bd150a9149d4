import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { InvoiceQuerySchema } from "~/api/schemas/billing";
import { getInvoicePdf } from "~/models/invoices.server";

// merchantApiRoute answers JSON, but passes a thrown Response through untouched: throwing the PDF
// keeps the helper's key auth, rate limit and JSON error objects for this binary answer.
const route = merchantApiRoute({
  GET: async ({ merchant, params, query }) => {
    const { locale } = parseInput(InvoiceQuerySchema, query);
    const { filename, pdf } = await getInvoicePdf({ merchantId: merchant.id, paymentId: params.id!, locale });
    throw new Response(pdf, {
      status: 200,
      headers: {
        "Content-Type": "application/pdf",
        "Content-Length": String(pdf.byteLength),
        "Content-Disposition": `attachment; filename="${filename}"`,
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  },
});

export const loader = route;
