import { z } from "zod";
import { FEATURE_KEY_PATTERN, resetIntervals } from "#db/schema/index";
import { DateInputSchema, NameSchema } from "~/utils/fields";

// Request bodies of the usage and entitlements API; also the source of their OpenAPI schemas.

/** Limits and quantities: JSON integers up to 10^12 (never floats or strings). */
export const MAX_USAGE_QUANTITY = 1_000_000_000_000;
const integer = (min: number) =>
  z
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(min, `must be at least ${min}`)
    .max(MAX_USAGE_QUANTITY, `must be at most ${MAX_USAGE_QUANTITY}`);

export const FeatureKeySchema = z.string().regex(FEATURE_KEY_PATTERN, "must be 1 to 64 of a-z, 0-9, '_', '.' and '-'");

export const PutEntitlementSchema = z.strictObject({
  name: NameSchema.nullish(),
  // Required; null means unlimited.
  limit: integer(0).nullable(),
  unit: z.string().trim().min(1, "must not be empty").max(30, "must be at most 30 characters").nullish(),
  reset_interval: z.enum(resetIntervals).nullish(),
  reset_anchor: DateInputSchema.optional(),
});

export const RecordUsageSchema = z.strictObject({
  feature: FeatureKeySchema,
  // Negative for a correction.
  quantity: integer(-MAX_USAGE_QUANTITY),
  timestamp: DateInputSchema.optional(),
  idempotency_key: z.string().min(1).max(255).optional(),
});

export const CheckEntitlementSchema = z.strictObject({
  quantity: integer(0).optional(),
});

export const ListEntitlementsQuerySchema = z.strictObject({});
