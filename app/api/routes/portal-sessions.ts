import type { Handlers, MerchantContext } from "~/api/route.server";
import { parseInput } from "~/api/validation.server";
import { CreatePortalSessionSchema } from "~/schemas/portal-sessions";
import { createPortalSession, preparePortalSession, revokePortalSession, type PreparedMint } from "~/models/portal-sessions.server";

/** `/customers/:id/portal-sessions` */
export const portalSessionMint: Handlers<MerchantContext> = {
  POST: {
    // Signing and rendering the e-mail must await: done before the transaction, writing nothing
    // (a redirect link's checks are left to run, inside it).
    prepare: ({ merchant, params, body }) =>
      preparePortalSession({ merchant, customerId: params.id!, input: parseInput(CreatePortalSessionSchema, body) }),
    run: ({ merchant, actor }, prepared: PreparedMint) => ({
      status: 201,
      body: createPortalSession({ merchant, prepared, actor }),
    }),
  },
};

/** `/portal-sessions/:id` */
export const portalSession: Handlers<MerchantContext> = {
  DELETE: ({ merchant, actor, params }) => ({
    status: 200,
    body: revokePortalSession({ merchantId: merchant.id, id: params.id!, actor }),
  }),
};
