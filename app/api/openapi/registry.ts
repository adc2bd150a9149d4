import { z } from "zod";

/**
 * OpenAPI 3.1 from the same zod schemas the routes validate with, so the document cannot drift
 * from what the server accepts. Each API area lists its operations in its own file here.
 */
export type Operation = {
  method: "get" | "post" | "patch" | "delete";
  path: string; // OpenAPI style: /customers/{id}
  summary: string;
  tag: string;
  auth?: "secret_key" | "none";
  body?: z.ZodType;
  query?: z.ZodType;
  /** status → description and a schema (a components/schemas name or an inline JSON schema). */
  responses: Record<number, { description: string; schema?: string | Record<string, unknown>; contentType?: string }>;
};

export function jsonSchemaOf(schema: z.ZodType) {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

export function queryParameters(schema: z.ZodType) {
  const json = jsonSchemaOf(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema: s,
  }));
}

const ts = { type: "string", format: "date-time" } as const;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: "null" }] });

/** Small builders for response-object schemas. */
export const s = {
  ts,
  nullable,
  str: { type: "string" } as const,
  int: { type: "integer" } as const,
  bool: { type: "boolean" } as const,
  ref: (name: string) => ({ $ref: `#/components/schemas/${name}` }),
  obj: (properties: Record<string, unknown>, objectName?: string) => ({
    type: "object",
    properties: objectName ? { ...properties, object: { const: objectName } } : properties,
    required: Object.keys(properties).concat(objectName ? ["object"] : []),
  }),
  list: (item: string) => ({
    type: "object",
    properties: {
      object: { const: "list" },
      data: { type: "array", items: { $ref: `#/components/schemas/${item}` } },
      has_more: { type: "boolean" },
    },
    required: ["object", "data", "has_more"],
  }),
};

/** Standard error answers every authenticated operation may give. */
export const commonErrors = {
  400: { description: "Malformed JSON or an unknown parameter", schema: "Error" },
  401: { description: "Missing, malformed or revoked API key", schema: "Error" },
  429: { description: "Rate limited; see Retry-After", schema: "Error" },
} as const;
