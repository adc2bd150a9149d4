import { portalSessionKinds } from "#db/schema/index";
import { CreatePortalSessionSchema } from "~/schemas/portal-sessions";
import { operationsOf, s, type Operation } from "./registry";

export const portalSessionSchemas = {
  PortalSession: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      url: { type: "string", format: "uri", description: "PUBLIC_URL/portal/session/<token>; shown only in this response" },
      kind: s.oneOf(portalSessionKinds),
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

const op = operationsOf("Portal sessions");

export const portalSessionOperations: Operation[] = [
  op("post", "/customers/{id}/portal-sessions", "Mint a portal link (redirect by default; send_email: true emails it with a one-time code)", { body: CreatePortalSessionSchema, 201: ["PortalSession", "The new portal session with its url"], 404: "No such customer, or a flow naming another customer's object", 422: "Invalid value (return_url not allowed, expires_in out of range, …)" }),
  op("delete", "/portal-sessions/{id}", "Revoke a portal link and end every browser session opened from it", { 200: ["RevokedPortalSession", "Revoked"], 404: "No such portal session" }),
];
