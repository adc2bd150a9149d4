import { merchantApiRoute } from "~/api/route.server";
import { deleteWebhookEndpoint, requireWebhookEndpoint, serializeWebhookEndpoint } from "~/models/webhook-endpoints.server";

const route = merchantApiRoute({
  GET: ({ merchant, params }) => ({
    status: 200,
    body: serializeWebhookEndpoint(requireWebhookEndpoint({ merchantId: merchant.id, id: params.id! })),
  }),
  DELETE: ({ merchant, actor, params }) => ({
    status: 200,
    body: deleteWebhookEndpoint({ merchantId: merchant.id, id: params.id!, actor }),
  }),
});

export const loader = route;
export const action = route;
