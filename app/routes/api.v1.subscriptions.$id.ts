import { merchantApiRoute } from "~/api/route.server";
import { UpdateSubscriptionSchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import { requireSubscription, serializeSubscriptionWithProduct as serialize, updateSubscription } from "~/models/subscriptions.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serialize(requireSubscription({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, actor, params, body }) => {
    const patch = parseInput(UpdateSubscriptionSchema, body);
    const updated = updateSubscription({ merchantId: merchant.id, id: params.id!, patch, actor });
    return { status: 200, body: serialize(updated) };
  },
});

export const loader = route;
export const action = route;
