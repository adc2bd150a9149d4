import { CreatePortalSessionSchema } from "~/api/schemas/portal-sessions";
import { s, type Operation } from "./registry";

export const portalSessionSchemas = {
  PortalSession: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      url: { type: "string", format: "uri", description: "PUBLIC_URL/portal/session/<token>; shown only in this response" },
      kind: { enum: ["redirect", "email"] },
      return_url: s.nullable(s.str),
      locale: s.nullable(s.str),
      flow: s.nullable({ type: "object", properties: { type: { type: "string" } }, required: ["type"] }),
      expires_at: s.ts,
      created_at: s.ts,
    },
    "portal_session",
  ),
  RevokedPortalSession: s.obj({ id: s.str, revoked: { const: true } }, "portal_session"),
};

export const portalSessionOperations: Operation[] = [
  {
    method: "post",
    path: "/customers/{id}/portal-sessions",
    summary: "Mint a portal link (redirect by default; send_email: true emails it with a one-time code)",
    tag: "Portal sessions",
    body: CreatePortalSessionSchema,
    responses: {
      201: { description: "The new portal session with its url", schema: "PortalSession" },
      404: { description: "No such customer, or a flow naming another customer's object", schema: "Error" },
      422: { description: "Invalid value (return_url not allowed, expires_in out of range, …)", schema: "Error" },
    },
  },
  {
    method: "delete",
    path: "/portal-sessions/{id}",
    summary: "Revoke a portal link and end every browser session opened from it",
    tag: "Portal sessions",
    responses: {
      200: { description: "Revoked", schema: "RevokedPortalSession" },
      404: { description: "No such portal session", schema: "Error" },
    },
  },
];
