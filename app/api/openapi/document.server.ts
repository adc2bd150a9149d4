import { billingOperations, billingSchemas } from "./billing";
import { customerOperations, customerSchemas } from "./customers";
import { portalSessionOperations, portalSessionSchemas } from "./portal-sessions";
import { portalSettingsOperations, portalSettingsSchemas } from "./portal-settings";
import { webhookOperations, webhookSchemas } from "./webhooks";
import { jsonSchemaOf, queryParameters, type Operation } from "./registry";

// Every API area adds its operations and response schemas here.
const operations: Operation[] = [...customerOperations, ...billingOperations, ...portalSessionOperations, ...portalSettingsOperations, ...webhookOperations];
const schemas: Record<string, unknown> = {
  ...customerSchemas,
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
          type: {
            enum: [
              "invalid_request_error",
              "authentication_error",
              "permission_error",
              "not_found_error",
              "idempotency_error",
              "rate_limit_error",
              "api_error",
            ],
          },
          code: { type: "string" },
          message: { type: "string" },
          param: { type: "string" },
        },
        required: ["type", "code", "message"],
      },
    },
    required: ["error"],
  },
};

const errorResponses = {
  "400": { description: "Malformed JSON or unknown parameter", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "401": { description: "Missing, malformed or revoked API key", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "429": { description: "Rate limited (see Retry-After)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

function buildDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const responses: Record<string, unknown> = op.auth === "none" ? {} : { ...errorResponses };
    for (const [status, r] of Object.entries(op.responses)) {
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
      ...(op.auth === "none" ? { security: [] } : {}),
      parameters: [...pathParams, ...(op.query ? queryParameters(op.query) : [])],
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
        "Customers, billing objects, portal sessions, wallets, license keys and webhooks. Amounts are integer minor units; timestamps ISO 8601 UTC.",
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

/** The document is built once per process from the route schemas. */
export function openApiDocument(): string {
  cached ??= JSON.stringify(buildDocument());
  return cached;
}

export const documentedOperations = () => operations.map((op) => `${op.method.toUpperCase()} ${op.path}`);
