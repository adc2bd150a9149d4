import { merchantApiRoute } from "~/api/route.server";
import { CancelSubscriptionSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { scheduleCancellation, serializeSubscriptionWithProduct as serialize } from "~/models/subscriptions.server";

const route = merchantApiRoute({
  POST: ({ merchant, actor, params, body }) => {
    const input = parseInput(CancelSubscriptionSchema, body);
    const result = scheduleCancellation({
      merchantId: merchant.id,
      id: params.id!,
      atPeriodEnd: input.at_period_end ?? true,
      reason: input.reason,
      feedback: input.feedback,
      actor,
    });
    return { status: 200, body: serialize(result) };
  },
});

export const loader = route;
export const action = route;
