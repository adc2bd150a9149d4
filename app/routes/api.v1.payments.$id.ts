import { merchantApiRoute } from "~/api/route.server";
import { UpdatePaymentSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { requirePayment, serializePayment, settlePayment } from "~/models/payments.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serializePayment(requirePayment({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const { status } = parseInput(UpdatePaymentSchema, body);
    const updated = settlePayment({ merchantId: merchant.id, id: params.id!, status, actor });
    return { status: 200, body: serializePayment(updated) };
  },
});

export const loader = route;
export const action = route;
