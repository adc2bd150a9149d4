import { merchantApiRoute } from "~/api/route.server";
import { deleteWebhookEndpoint, getWebhookEndpoint, serializeWebhookEndpoint } from "~/models/webhook-endpoints.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({
    status: 200,
    body: serializeWebhookEndpoint(getWebhookEndpoint({ merchantId: merchant.id, id: params.id! })),
  }),
  DELETE: ({ merchant, apiKey, params }) => ({
    status: 200,
    body: deleteWebhookEndpoint({ merchantId: merchant.id, id: params.id!, actor: { type: "api_key", id: apiKey.id } }),
  }),
});

export const loader = route;
export const action = route;
