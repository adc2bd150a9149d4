import { merchantApiRoute } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { UpdateSubscriptionSchema } from "~/api/schemas/billing";
import { getSubscription, serializeSubscriptionWithProduct as serialize, updateSubscription } from "~/models/subscriptions.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({ status: 200, body: serialize(getSubscription({ merchantId: merchant.id, id: params.id! })) }),
  PATCH: ({ merchant, apiKey, params, body }) => {
    const patch = parseInput(UpdateSubscriptionSchema, body);
    const updated = updateSubscription({ merchantId: merchant.id, id: params.id!, patch, actor: { type: "api_key", id: apiKey.id } });
    return { status: 200, body: serialize(updated) };
  },
});

export const loader = route;
export const action = route;
