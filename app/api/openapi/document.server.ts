import { billingOperations, billingSchemas } from "./billing";
import { customerOperations, customerSchemas } from "./customers";
import { entitlementOperations, entitlementSchemas } from "./entitlements";
import { portalSessionOperations, portalSessionSchemas } from "./portal-sessions";
import { portalSettingsOperations, portalSettingsSchemas } from "./portal-settings";
import { webhookOperations, webhookSchemas } from "./webhooks";
import { apiErrorTypes } from "~/api/errors.server";
import type { ApiRoute } from "~/api/route.server";
import { jsonSchemaOf, queryParameters, s, type Operation } from "./registry";

// Every API area adds its operations and response schemas here.
const operations: Operation[] = [...customerOperations, ...entitlementOperations, ...billingOperations, ...portalSessionOperations, ...portalSettingsOperations, ...webhookOperations];
const schemas: Record<string, unknown> = {
  ...customerSchemas,
  ...entitlementSchemas,
  ...billingSchemas,
  ...portalSessionSchemas,
  ...portalSettingsSchemas,
  ...webhookSchemas,
  Error: {
    type: "object",
    properties: {
      error: {
        type: "object",
        properties: {
          type: s.oneOf(apiErrorTypes),
          code: { type: "string" },
          message: { type: "string" },
          param: { type: "string" },
        },
        required: ["type", "code", "message"],
        additionalProperties: false,
      },
    },
    required: ["error"],
    additionalProperties: false,
  },
};

/**
 * The error answers that follow from an operation's shape, before its own: what the conventions
 * layer (app/api/route.server.ts) can answer for any request of that shape.
 */
function conventionalErrors(op: Operation, keyed: boolean): Operation["responses"] {
  const error = (description: string) => ({ description, schema: "Error" });
  const out: Operation["responses"] = {
    400: error("Malformed JSON, JSON nested deeper than 32 levels (json_too_deep), a body that is not an object, or an unknown or repeated parameter"),
    429: error(keyed ? "Too many requests with this key; see Retry-After" : "Too many requests; see Retry-After"),
    500: error("An internal error: a generic message with a request id, nothing more"),
  };
  if (keyed) out[401] = error("Missing, malformed or revoked API key");
  if (op.path.includes("{")) out[404] = error("No such object (or another merchant's)");
  if (keyed && op.method === "post") out[409] = error("This Idempotency-Key was used with another request (idempotency_key_reused)");
  if (op.body) out[413] = error("Body over 1 MB (body_too_large)");
  if (op.body || op.query) out[422] = error("A missing or invalid value (parameter_missing, parameter_invalid), with its param");
  return out;
}

/** `/customers/:id` → `/customers/{id}`. */
export const openApiPath = (routePath: string) => routePath.replace(/:(\w+)/g, "{$1}");

/**
 * The route table's paths and methods against the operations: each operation must be served,
 * and each route's method documented (the document itself apart). Whether an operation needs a
 * key is the table's word, not the operation's.
 */
function keyedOperations(routes: readonly ApiRoute[]): Map<Operation, boolean> {
  const served = new Map<string, ApiRoute & { auth: "key" | "public" }>();
  for (const route of routes) if (route.auth !== "document") served.set(openApiPath(route.path), route);
  const keyed = new Map<Operation, boolean>();
  for (const op of operations) {
    const route = served.get(op.path);
    if (!route || !(op.method.toUpperCase() in route.methods)) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is documented but has no route in app/api/routes/index.ts`);
    keyed.set(op, route.auth === "key");
  }
  for (const [path, route] of served) {
    for (const method of Object.keys(route.methods)) {
      if (!operations.some((op) => op.path === path && op.method === method.toLowerCase())) throw new Error(`OpenAPI: ${method} ${path} is served but not documented in app/api/openapi/`);
    }
  }
  return keyed;
}

function buildDocument(routes: readonly ApiRoute[]) {
  const keyedOf = keyedOperations(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const keyed = keyedOf.get(op)!;
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries({ ...conventionalErrors(op, keyed), ...op.responses })) {
      const schema = typeof r.schema === "string" ? { $ref: `#/components/schemas/${r.schema}` } : r.schema;
      responses[status] = {
        description: r.description,
        ...(schema ? { content: { [r.contentType ?? "application/json"]: { schema } } } : {}),
      };
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[/.-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      ...(keyed ? {} : { security: [] }),
      parameters: [...pathParams, ...(op.query ? queryParameters(op.query) : []), ...(op.parameters ?? [])],
      ...(op.body
        ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchemaOf(op.body) } } } }
        : {}),
      ...(op.method === "post"
        ? {
            "x-idempotent": "Send an Idempotency-Key header (≤ 255 chars) to make retries safe for 24 hours.",
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Portico merchant API",
      version: "1.0.0",
      description:
        "Customers, billing objects, usage and entitlements, portal sessions, wallets, license keys and webhooks. Amounts are integer minor units; timestamps ISO 8601 UTC.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ secret_key: [] }],
    components: {
      securitySchemes: { secret_key: { type: "http", scheme: "bearer", description: "sk_test_… or sk_live_…" } },
      schemas,
    },
    paths,
  };
}

let cached: string | undefined;

/** The document is built once per process from the operations and the route table. */
export function openApiDocument(routes: readonly ApiRoute[]): string {
  cached ??= JSON.stringify(buildDocument(routes));
  return cached;
}
