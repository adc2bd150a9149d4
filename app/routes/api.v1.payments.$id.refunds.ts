import { merchantApiRoute } from "~/api/route.server";
import { CreateRefundSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { refundPayment, serializeRefund } from "~/models/payments.server";

const route = merchantApiRoute({
  POST: ({ merchant, actor, params, body }) => {
    const { amount, reason } = parseInput(CreateRefundSchema, body);
    const refund = refundPayment({ merchantId: merchant.id, paymentId: params.id!, amount, reason, actor });
    return { status: 201, body: serializeRefund(refund) };
  },
});

export const loader = route;
export const action = route;
