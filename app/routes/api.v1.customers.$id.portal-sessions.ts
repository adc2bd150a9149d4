import { merchantApiRoute } from "~/api/route.server";
import { CreatePortalSessionSchema } from "~/schemas/portal-sessions";
import { parseInput } from "~/api/validation.server";
import { createPortalSession, preparePortalSession } from "~/models/portal-sessions.server";

const route = merchantApiRoute({
  POST: {
    // Signing and rendering the e-mail must await: done before the transaction, writing nothing.
    prepare: ({ merchant, params, body }) =>
      preparePortalSession({ merchant, customerId: params.id!, input: parseInput(CreatePortalSessionSchema, body) }),
    run: ({ merchant, actor }, prepared: Awaited<ReturnType<typeof preparePortalSession>>) => ({
      status: 201,
      body: createPortalSession({ merchant, prepared, actor }),
    }),
  },
});

export const loader = route;
export const action = route;
