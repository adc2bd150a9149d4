import { merchantApiRoute } from "~/api/route.server";
import { revokePortalSession } from "~/models/portal-sessions.server";

const route = merchantApiRoute({
  DELETE: ({ merchant, actor, params }) => ({
    status: 200,
    body: revokePortalSession({ merchantId: merchant.id, id: params.id!, actor }),
  }),
});

export const loader = route;
export const action = route;
