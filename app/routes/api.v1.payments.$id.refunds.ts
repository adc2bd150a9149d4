import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreateRefundSchema } from "~/api/schemas/billing";
import { refundPayment, serializeRefund } from "~/models/payments.server";

const route = merchantApiRoute({
  POST: ({ merchant, apiKey, params, body }) => {
    const input = parseInput(CreateRefundSchema, body);
    const refund = refundPayment({
      merchantId: merchant.id,
      paymentId: params.id!,
      amount: input.amount,
      reason: input.reason,
      actor: { type: "api_key", id: apiKey.id },
    });
    return { status: 201, body: serializeRefund(refund) };
  },
});

export const loader = route;
export const action = route;
