import { z } from "zod";
import {
  cancelReasons,
  intervals,
  ledgerEntryTypes,
  licenseKeyStoredStatuses,
  liveSubscriptionStatuses,
  newPaymentStatuses,
  paymentMethodTypes,
  paymentStatuses,
  productTypes,
  settledPaymentStatuses,
  subscriptionStatuses,
} from "#db/schema/index";
import { MAX_QUANTITY, MAX_TAX_RATE_BPS, MAX_UNIT_AMOUNT } from "~/billing/money";
import { CurrencySchema, DateInputSchema, NameSchema, TextSchema } from "~/utils/fields";
import { listParams } from "./common";

// Request bodies and queries of the billing objects API; also the source of their OpenAPI schemas.

/** Money in minor units: a JSON integer (never a float or a string), at most 10^12. */
const amount = (min: number) =>
  z
    .number({ error: "must be an integer amount in the currency's minor unit" })
    .int("must be an integer amount in the currency's minor unit")
    .min(min, min > 0 ? "must be greater than 0" : "must not be negative")
    .max(MAX_UNIT_AMOUNT, `must be at most ${MAX_UNIT_AMOUNT}`);

const quantity = z.number().int("must be an integer").min(1, "must be at least 1").max(MAX_QUANTITY);
const id = (prefix: string) => z.string().min(1).max(100).describe(`${prefix}_…`);

// ---- Products

export const CreateProductSchema = z.strictObject({
  name: NameSchema,
  description: TextSchema.nullish(),
  type: z.enum(productTypes),
  // A free plan is a real product, so 0 is allowed here (payments and refunds need > 0).
  price: amount(0),
  currency: CurrencySchema,
  interval: z.enum(intervals).optional(),
  interval_count: z.number().int().min(1).optional(),
});

export const UpdateProductSchema = z.strictObject({
  name: NameSchema.optional(),
  description: TextSchema.nullish(),
});

export const ListProductsQuerySchema = z.strictObject({
  ...listParams,
  type: z.enum(productTypes).optional(),
});

// ---- Subscriptions

export const CreateSubscriptionSchema = z.strictObject({
  customer_id: id("cus"),
  product_id: id("prod"),
  quantity: quantity.optional(),
  status: z.enum(liveSubscriptionStatuses).optional(),
  current_period_start: DateInputSchema.optional(),
  current_period_end: DateInputSchema.optional(),
});

export const UpdateSubscriptionSchema = z.strictObject({
  status: z.enum(liveSubscriptionStatuses).optional(),
  current_period_start: DateInputSchema.optional(),
  current_period_end: DateInputSchema.optional(),
  quantity: quantity.optional(),
});

export const CancelSubscriptionSchema = z.strictObject({
  at_period_end: z.boolean().optional(),
  reason: z.enum(cancelReasons).nullish(),
  feedback: TextSchema.nullish(),
});

export const ResumeSubscriptionSchema = z.strictObject({});

export const ListSubscriptionsQuerySchema = z.strictObject({
  ...listParams,
  customer_id: z.string().min(1).max(100).optional(),
  status: z.enum(subscriptionStatuses).optional(),
});

// ---- Payments and refunds

export const PaymentItemSchema = z.strictObject({
  description: NameSchema,
  quantity,
  unit_amount: amount(1),
  tax_rate_bps: z.number().int("must be an integer").min(0).max(MAX_TAX_RATE_BPS, `must be at most ${MAX_TAX_RATE_BPS}`).optional(),
});

export const PaymentMethodSchema = z.strictObject({
  type: z.enum(paymentMethodTypes),
  brand: z.string().trim().min(1).max(40).nullish(),
  last4: z.string().regex(/^\d{4}$/, "must be 4 digits").nullish(),
});

export const CreatePaymentSchema = z.strictObject({
  customer_id: id("cus"),
  subscription_id: id("sub").nullish(),
  status: z.enum(newPaymentStatuses),
  currency: CurrencySchema,
  items: z.array(PaymentItemSchema).min(1, "must have at least one item").max(100),
  payment_method: PaymentMethodSchema.nullish(),
  failure_reason: TextSchema.nullish(),
  created_at: DateInputSchema.optional(),
});

export const UpdatePaymentSchema = z.strictObject({
  status: z.enum(settledPaymentStatuses),
});

export const CreateRefundSchema = z.strictObject({
  amount: amount(1).optional(),
  reason: TextSchema.nullish(),
});

export const ListPaymentsQuerySchema = z.strictObject({
  ...listParams,
  customer_id: z.string().min(1).max(100).optional(),
  status: z.enum(paymentStatuses).optional(),
});

export const InvoiceQuerySchema = z.strictObject({
  locale: z
    .string()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "must be a BCP 47 language tag such as en or ko-KR")
    .optional(),
});

// ---- License keys

const expiresAt = DateInputSchema;

export const CreateLicenseKeySchema = z.strictObject({
  customer_id: id("cus"),
  product_id: id("prod").nullish(),
  payment_id: id("pay").nullish(),
  subscription_id: id("sub").nullish(),
  key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{7,99}$/, "must be 8 to 100 letters, digits, dashes or underscores")
    .optional(),
  activations_limit: z.number().int("must be an integer").min(1).max(1_000_000).nullish(),
  expires_at: expiresAt.nullish(),
});

export const UpdateLicenseKeySchema = z.strictObject({
  status: z.enum(licenseKeyStoredStatuses).optional(),
  activations_limit: z.number().int("must be an integer").min(1).max(1_000_000).nullish(),
  expires_at: expiresAt.nullish(),
});

export const ListLicenseKeysQuerySchema = z.strictObject({
  ...listParams,
  customer_id: z.string().min(1).max(100).optional(),
});

export const ListInstancesQuerySchema = z.strictObject({ ...listParams });

const licenseKeyField = z.string().min(1).max(200);

export const ActivateLicenseSchema = z.strictObject({ license_key: licenseKeyField, name: NameSchema });
export const DeactivateLicenseSchema = z.strictObject({
  license_key: licenseKeyField,
  license_key_instance_id: z.string().min(1).max(100),
});
export const ValidateLicenseSchema = z.strictObject({
  license_key: licenseKeyField,
  license_key_instance_id: z.string().min(1).max(100).optional(),
});

// ---- Wallets

export const CreateLedgerEntrySchema = z.strictObject({
  currency: CurrencySchema,
  amount: amount(1),
  entry_type: z.enum(ledgerEntryTypes),
  reason: TextSchema.nullish(),
  idempotency_key: z.string().min(1).max(255).optional(),
});

export const ListLedgerEntriesQuerySchema = z.strictObject({
  ...listParams,
  currency: CurrencySchema.optional(),
});

export const ListWalletsQuerySchema = z.strictObject({});
