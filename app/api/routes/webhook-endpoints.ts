import { listBody } from "~/api/lists.server";
import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreateWebhookEndpointSchema, ListWebhookDeliveriesQuerySchema, ListWebhookEndpointsQuerySchema } from "~/schemas/webhooks";
import {
  assertWebhookUrlAllowed,
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listDeliveryAttempts,
  listWebhookEndpoints,
  requireWebhookEndpoint,
  serializeDeliveryAttempt,
  serializeWebhookEndpoint,
} from "~/models/webhook-endpoints.server";

/** `/webhook-endpoints` */
export const webhookEndpointList: Handlers<MerchantContext> = {
  GET: ({ merchant, query }) => {
    const { limit, starting_after } = parseInput(ListWebhookEndpointsQuerySchema, query);
    const page = listWebhookEndpoints({ merchantId: merchant.id, limit, startingAfter: starting_after });
    return { status: 200, body: listBody(page, (e) => serializeWebhookEndpoint(e)) };
  },
  POST: {
    // The URL's DNS answer is checked before the transaction (the SSRF guard awaits a lookup).
    prepare: async ({ body }) => {
      const input = parseInput(CreateWebhookEndpointSchema, body);
      await assertWebhookUrlAllowed(input.url);
      return input;
    },
    run: ({ merchant, actor }, input) => {
      const endpoint = createWebhookEndpoint({ merchantId: merchant.id, input, actor });
      return { status: 201, body: serializeWebhookEndpoint(endpoint, { withSecret: true }) };
    },
  },
};

/** `/webhook-endpoints/:id` */
export const webhookEndpoint: Handlers<MerchantContext> = {
  GET: ({ merchant, params }) => ({
    status: 200,
    body: serializeWebhookEndpoint(requireWebhookEndpoint({ merchantId: merchant.id, id: params.id! })),
  }),
  DELETE: ({ merchant, actor, params }) => ({
    status: 200,
    body: deleteWebhookEndpoint({ merchantId: merchant.id, id: params.id!, actor }),
  }),
};

/** `/webhook-endpoints/:id/deliveries` */
export const webhookDeliveries: Handlers<MerchantContext> = {
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
};
