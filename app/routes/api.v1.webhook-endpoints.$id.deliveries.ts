import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { ListWebhookDeliveriesQuerySchema } from "~/schemas/webhooks";
import { parseInput } from "~/api/validation.server";
import { listDeliveryAttempts, serializeDeliveryAttempt } from "~/models/webhook-endpoints.server";

const route = merchantApiRoute({
  GET: ({ merchant, params, query }) => {
    const { limit, starting_after, event_id } = parseInput(ListWebhookDeliveriesQuerySchema, query);
    const page = listDeliveryAttempts({
      merchantId: merchant.id,
      endpointId: params.id!,
      eventId: event_id,
      limit,
      startingAfter: starting_after,
    });
    return { status: 200, body: listBody(page, serializeDeliveryAttempt) };
  },
});

export const loader = route;
export const action = route;
