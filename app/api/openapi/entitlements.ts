import { resetIntervals } from "#db/schema/index";
import { CheckEntitlementSchema, ListEntitlementsQuerySchema, PutEntitlementSchema, RecordUsageSchema } from "~/schemas/entitlements";
import { operationsOf, s, type Operation } from "./registry";

const nullableInt = s.nullable(s.int);

export const entitlementSchemas = {
  Entitlement: s.obj(
    {
      customer_id: s.str,
      feature: s.str,
      name: s.nullable(s.str),
      unit: s.nullable(s.str),
      limit: nullableInt,
      used: s.int,
      remaining: nullableInt,
      reset_interval: s.nullable(s.oneOf(resetIntervals)),
      reset_anchor: s.ts,
      resets_at: s.nullable(s.ts),
      updated_at: s.ts,
    },
    "entitlement",
  ),
  EntitlementList: s.list("Entitlement"),
  UsageRecord: s.obj(
    {
      id: s.str,
      customer_id: s.str,
      feature: s.str,
      quantity: s.int,
      timestamp: s.ts,
      idempotency_key: s.nullable(s.str),
      created_at: s.ts,
    },
    "usage_record",
  ),
  EntitlementCheck: s.obj({ allowed: s.bool, used: s.int, limit: nullableInt, remaining: nullableInt }),
};

const op = operationsOf("Usage and entitlements");
const noEntitlement = "No such customer, or no entitlement for this feature (param feature)";

export const entitlementOperations: Operation[] = [
  op("get", "/customers/{id}/entitlements", "List a customer's entitlements with the current period's usage", {
    query: ListEntitlementsQuerySchema,
    200: ["EntitlementList", "Every entitlement, by feature key"],
    404: "No such customer",
  }),
  op("put", "/customers/{id}/entitlements/{feature}", "Create or replace what a customer may use of a feature", {
    body: PutEntitlementSchema,
    200: ["Entitlement", "The entitlement"],
    404: "No such customer",
    422: "Invalid value, or a feature key outside [a-z0-9_.-]{1,64} (param feature)",
  }),
  op("post", "/customers/{id}/entitlements/{feature}/check", "May the customer use this much more of the feature now? (reads only)", {
    body: CheckEntitlementSchema,
    200: ["EntitlementCheck", "The answer and the current period's numbers"],
    404: noEntitlement,
    422: "Invalid quantity",
  }),
  op("post", "/customers/{id}/usage", "Record usage of a feature (idempotent with idempotency_key)", {
    body: RecordUsageSchema,
    201: ["UsageRecord", "The usage record (the first one again for a repeated idempotency_key)"],
    404: noEntitlement,
    422: "Invalid value, a timestamp more than 5 minutes ahead, or a correction below zero",
  }),
];
