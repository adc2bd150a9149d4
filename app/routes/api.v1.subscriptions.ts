import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateSubscriptionSchema, ListSubscriptionsQuerySchema } from "~/schemas/billing";
import { parseInput } from "~/api/validation.server";
import {
  createSubscription,
  listSubscriptions,
  serializeSubscriptionWithProduct as serialize,
} from "~/models/subscriptions.server";

const route = merchantApiRoute({
  GET: ({ merchant, query }) => {
    const { limit, starting_after, customer_id, status } = parseInput(ListSubscriptionsQuerySchema, query);
    const page = listSubscriptions({ merchantId: merchant.id, customerId: customer_id, status, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, serialize) };
  },
  POST: ({ merchant, actor, body }) => {
    const input = parseInput(CreateSubscriptionSchema, body);
    const created = createSubscription({ merchantId: merchant.id, input, actor });
    return { status: 201, body: serialize(created) };
  },
});

export const loader = route;
export const action = route;
