import { merchantApiRoute } from "~/api/route.server";
import { revokePortalSession } from "~/models/portal-sessions.server";

const route = merchantApiRoute({
  DELETE: ({ merchant, apiKey, params }) => ({
    status: 200,
    body: revokePortalSession({ merchantId: merchant.id, id: params.id!, actor: { type: "api_key", id: apiKey.id } }),
  }),
});

export const loader = route;
export const action = route;
