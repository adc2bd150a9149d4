import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, publicId, seq, timestamp } from "./columns";
import { customerRef } from "./customers";
import { merchantRef } from "./merchants";
import { payments } from "./payments";
import { products } from "./products";
import { subscriptions } from "./subscriptions";

// `expired` is never stored: it is computed from expires_at when the key is read.
export const licenseKeyStoredStatuses = ["active", "disabled"] as const;
export const licenseKeyStatuses = [...licenseKeyStoredStatuses, "expired"] as const;
export type LicenseKeyStatus = (typeof licenseKeyStatuses)[number];

export const licenseKeys = sqliteTable(
  "license_keys",
  {
    seq: seq(),
    id: publicId(),
    merchantId: merchantRef(),
    customerId: customerRef(),
    productId: text().references(() => products.id),
    paymentId: text().references(() => payments.id),
    subscriptionId: text().references(() => subscriptions.id),
    // Globally unique: the public activation endpoints find a key without knowing its merchant.
    key: text().notNull().unique(),
    status: text({ enum: licenseKeyStoredStatuses }).notNull(),
    activationsLimit: integer(),
    expiresAt: timestamp(),
    createdAt: createdAt(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    index("license_keys_merchant_created_idx").on(t.merchantId, t.createdAt, t.seq),
    index("license_keys_customer_idx").on(t.customerId, t.createdAt),
  ],
);

export const licenseKeyInstances = sqliteTable(
  "license_key_instances",
  {
    seq: seq(),
    id: publicId(),
    licenseKeyId: text()
      .notNull()
      .references(() => licenseKeys.id),
    name: text().notNull(),
    createdAt: createdAt(),
    lastValidatedAt: timestamp(),
    // Deactivated instances stay for the record but no longer count against the limit.
    deactivatedAt: timestamp(),
  },
  (t) => [index("license_key_instances_key_idx").on(t.licenseKeyId, t.createdAt, t.seq)],
);

export type LicenseKey = typeof licenseKeys.$inferSelect;
export type LicenseKeyInstance = typeof licenseKeyInstances.$inferSelect;
