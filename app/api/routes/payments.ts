import { listBody } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreatePaymentSchema, CreateRefundSchema, InvoiceQuerySchema, ListPaymentsQuerySchema, UpdatePaymentSchema } from "~/schemas/billing";
import { requireInvoicePdf } from "~/models/invoices.server";
import { createPayment, listPayments, refundPayment, requirePayment, serializePayment, serializeRefund, settlePayment } from "~/models/payments.server";
import { invoiceFilename, invoiceHeaders } from "~/pdf/filename";

/** `/payments` */
export const paymentList: Handlers<MerchantContext> = {
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id, status } = parseInput(ListPaymentsQuerySchema, query);
    const page = listPayments({ merchantId: merchant.id, customerId: customer_id, status, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serializePayment) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreatePaymentSchema, body);
    const created = createPayment({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serializePayment(created) };
  },
};

/** `/payments/:id` */
export const payment: Handlers<MerchantContext> = {
  GET: ({ merchant, params }) => ({ status: 200, body: serializePayment(requirePayment({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const { status } = parseInput(UpdatePaymentSchema, body);
    const updated = settlePayment({ merchantId: merchant.id, id: params.id!, status, actor });
    return { status: 200, body: serializePayment(updated) };
  },
};

/** `/payments/:id/refunds` */
export const refunds: Handlers<MerchantContext> = {
  POST: ({ merchant, actor, params, body }) => {
    const { amount, reason } = parseInput(CreateRefundSchema, body);
    const refund = refundPayment({ merchantId: merchant.id, paymentId: params.id!, amount, reason, actor });
    return { status: 201, body: serializeRefund(refund) };
  },
};

/** `/payments/:id/invoice`: the PDF, with the key auth, rate limit and JSON errors of every route. */
export const invoice: Handlers<MerchantContext> = {
  GET: async ({ merchant, params, query }) => {
    const { locale } = parseInput(InvoiceQuerySchema, query);
    const { invoiceNumber, pdf } = await requireInvoicePdf({ merchantId: merchant.id, paymentId: params.id!, locale });
    const filename = invoiceFilename({ invoiceNumber });
    return { status: 200, bytes: pdf, headers: invoiceHeaders({ filename, byteLength: pdf.byteLength }) };
  },
};
