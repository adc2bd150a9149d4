import { customerStringFields, customerStringOperators } from "#db/schema/index";
import type { CustomerFilter, CustomerQuery, CustomerSortKey } from "~/models/customer-list.server";
import { ListCustomersQuerySchema, MetadataFilterSchema } from "~/schemas/customers";
import { invalidParam } from "./errors.server";
import { parseInput } from "./validation.server";

const METADATA_PARAM = /^metadata\[(.+)\]$/;

/**
 * `GET /customers`'s query string → the domain's customer query. `metadata[<key>]` parameters
 * name the merchant's own keys, so they are read here; everything else goes through the strict
 * schema (an unknown field or operator is a 400 `parameter_unknown` naming it).
 */
export function parseCustomerListQuery(raw: Record<string, string>): { query: CustomerQuery; expandSummary: boolean } {
  const rest: Record<string, string> = {};
  const filters: CustomerFilter[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const key = METADATA_PARAM.exec(name)?.[1];
    if (key === undefined || name === "metadata[contains]") {
      rest[name] = value;
      continue;
    }
    const parsed = MetadataFilterSchema.safeParse({ key, value });
    // Reported under the parameter's own name: `metadata[tier]`.
    if (!parsed.success) throw invalidParam(name, `Invalid ${name}: ${parsed.error.issues[0].message}`);
    filters.push({ field: "metadata", key: parsed.data.key, value: parsed.data.value });
  }
  const p = parseInput(ListCustomersQuerySchema, rest) as Record<string, unknown> & ReturnType<typeof ListCustomersQuerySchema.parse>;

  if (p.email) filters.push({ field: "email", op: "eq", value: p.email });
  if (p.external_id) filters.push({ field: "external_id", op: "eq", value: p.external_id });
  for (const [bound, op] of [["created_gte", "gte"], ["created_at[gte]", "gte"], ["created_lte", "lte"], ["created_at[lte]", "lte"]] as const) {
    const value = p[bound];
    if (value) filters.push({ field: "created_at", op, value });
  }
  for (const field of customerStringFields) {
    for (const op of customerStringOperators) {
      const value = p[`${field}[${op}]`];
      if (value === undefined) continue;
      filters.push(op === "in" || op === "nin" ? { field, op, values: value as string[] } : { field, op, value: value as string });
    }
  }
  const contains = p["metadata[contains]"];
  if (contains) filters.push({ field: "metadata", key: contains.key, value: contains.value });

  const sort = p.sort
    ? { key: p.sort.replace(/^-/, "") as CustomerSortKey, direction: p.sort.startsWith("-") ? ("desc" as const) : ("asc" as const) }
    : undefined;
  return {
    query: { filters, q: p.q, sort, after: p.starting_after ? { id: p.starting_after } : undefined, limit: p.limit },
    expandSummary: p["expand[]"] === "summary",
  };
}
