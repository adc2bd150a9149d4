import { listBody } from "~/api/lists.server";
import { merchantApiRoute } from "~/api/route.server";
import { CreateWebhookEndpointSchema, ListWebhookEndpointsQuerySchema } from "~/schemas/webhooks";
import { parseInput } from "~/api/validation.server";
import {
  assertWebhookUrlAllowed,
  createWebhookEndpoint,
  listWebhookEndpoints,
  serializeWebhookEndpoint,
} from "~/models/webhook-endpoints.server";

const route = merchantApiRoute({
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
});

export const loader = route;
export const action = route;
