import { z } from "zod";

/**
 * OpenAPI 3.1 from the same zod schemas the routes validate with, so the document cannot drift
 * from what the server accepts. Each API area lists its operations in its own file here.
 */
export type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string; // OpenAPI style: /customers/{id}
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Query parameters a zod object cannot name (patterned keys such as `metadata[<key>]`). */
  parameters?: Record<string, unknown>[];
  /** status → description and a schema (a components/schemas name or an inline JSON schema). */
  responses: Record<number, { description: string; schema?: string | Record<string, unknown>; contentType?: string }>;
};

type Answer = string | [schema: string | Record<string, unknown>, description: string, contentType?: string];

/**
 * The operations of one tag, one line each: `op("get", "/customers/{id}", "Retrieve a customer",
 * { 200: ["Customer", "The customer"], 404: "No such customer" })`. A success names its schema and
 * description; an error is its description (the Error schema). The answers every operation of its
 * shape can give (400, 401, 404, 409, 413, 422, 429, 500) are added by document.server.ts; name
 * one here to say more about it.
 */
export function operationsOf(tag: string) {
  return (
    method: Operation["method"],
    path: string,
    summary: string,
    spec: {
      body?: z.ZodType;
      query?: z.ZodType;
      parameters?: Operation["parameters"];
      [status: number]: Answer;
    },
  ): Operation => {
    const { body, query, parameters, ...answers } = spec;
    const responses: Operation["responses"] = {};
    for (const [status, answer] of Object.entries(answers as Record<string, Answer>)) {
      responses[Number(status)] =
        typeof answer === "string"
          ? { description: answer, schema: "Error" }
          : { schema: answer[0], description: answer[1], ...(answer[2] ? { contentType: answer[2] } : {}) };
    }
    return { method, path, summary, tag, body, query, parameters, responses };
  };
}

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
  /** One of a fixed list: pass the `as const` array of db/schema, never a copy. */
  oneOf: (values: readonly string[]) => ({ enum: [...values] }),
  /** An object with exactly these properties, all present: a field the serializer adds or drops is a mismatch. */
  obj: (properties: Record<string, unknown>, objectName?: string) => ({
    type: "object",
    properties: objectName ? { ...properties, object: { const: objectName } } : properties,
    required: Object.keys(properties).concat(objectName ? ["object"] : []),
    additionalProperties: false,
  }),
  list: (item: string) => ({
    type: "object",
    properties: {
      object: { const: "list" },
      data: { type: "array", items: { $ref: `#/components/schemas/${item}` } },
      has_more: { type: "boolean" },
    },
    required: ["object", "data", "has_more"],
    additionalProperties: false,
  }),
};
