import { and, count, eq, inArray, isNull } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { licenseKeyInstances, licenseKeys, type LicenseKey, type LicenseKeyInstance, type LicenseKeyStatus } from "#db/schema/index";
import { formatLicenseKey } from "~/billing/license-key-format";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { requireCustomer } from "./customers.server";
import { DomainError, invalid, invalidField, limitReached, notFound } from "./errors.server";
import { emitEvent } from "./events.server";
import { owned } from "./ownership.server";
import { paginate } from "./pagination.server";
import { requirePayment } from "./payments.server";
import { requireProduct } from "./products.server";
import { requireSubscription } from "./subscriptions.server";

/** `expired` is never stored: a key is expired from the moment its expires_at has passed. */
export function licenseStatus(key: LicenseKey, at = now()): LicenseKeyStatus {
  if (key.status === "disabled") return "disabled";
  if (key.expiresAt && key.expiresAt.getTime() <= at.getTime()) return "expired";
  return "active";
}

const liveInstances = (licenseKeyId: string) =>
  and(eq(licenseKeyInstances.licenseKeyId, licenseKeyId), isNull(licenseKeyInstances.deactivatedAt));

function activationCounts(ids: string[]) {
  if (ids.length === 0) return new Map<string, number>();
  const rows = db
    .select({ id: licenseKeyInstances.licenseKeyId, n: count() })
    .from(licenseKeyInstances)
    .where(and(inArray(licenseKeyInstances.licenseKeyId, ids), isNull(licenseKeyInstances.deactivatedAt)))
    .groupBy(licenseKeyInstances.licenseKeyId)
    .all();
  return new Map(rows.map((r) => [r.id, r.n]));
}

export type LicenseKeyWithCount = { licenseKey: LicenseKey; activationsCount: number };

export function serializeLicenseKey({ licenseKey: k, activationsCount }: LicenseKeyWithCount) {
  return {
    id: k.id,
    object: "license_key" as const,
    customer_id: k.customerId,
    product_id: k.productId,
    key: k.key,
    status: licenseStatus(k),
    activations_limit: k.activationsLimit,
    activations_count: activationsCount,
    expires_at: k.expiresAt?.toISOString() ?? null,
    created_at: k.createdAt.toISOString(),
  };
}

export function serializeInstance(i: LicenseKeyInstance) {
  return {
    id: i.id,
    object: "license_key_instance" as const,
    license_key_id: i.licenseKeyId,
    name: i.name,
    created_at: i.createdAt.toISOString(),
  };
}

export function generateLicenseKey(): string {
  return formatLicenseKey(randomBytes(25));
}

/** One license key of this merchant (and of this customer, when given); otherwise not found. */
export function requireLicenseKey(opts: { merchantId: string; customerId?: string; id: string }): LicenseKeyWithCount {
  const licenseKey = db
    .select()
    .from(licenseKeys)
    .where(owned(licenseKeys, opts))
    .get();
  if (!licenseKey) throw notFound("license key", opts.id);
  return { licenseKey, activationsCount: activationCounts([licenseKey.id]).get(licenseKey.id) ?? 0 };
}

export function listLicenseKeys(opts: { merchantId: string; customerId?: string; limit: number; startingAfter?: string }) {
  const where = and(
    eq(licenseKeys.merchantId, opts.merchantId),
    opts.customerId ? eq(licenseKeys.customerId, opts.customerId) : undefined,
  );
  const page = paginate({ table: licenseKeys, where, limit: opts.limit, startingAfter: opts.startingAfter });
  const counts = activationCounts(page.rows.map((k) => k.id));
  return { rows: page.rows.map((licenseKey) => ({ licenseKey, activationsCount: counts.get(licenseKey.id) ?? 0 })), hasMore: page.hasMore };
}

export function createLicenseKey(opts: {
  merchantId: string;
  input: {
    customer_id: string;
    product_id?: string | null;
    payment_id?: string | null;
    subscription_id?: string | null;
    key?: string;
    activations_limit?: number | null;
    expires_at?: Date | null;
  };
  actor: Actor;
}) {
  const { merchantId, input, actor } = opts;
  const customer = requireCustomer({ merchantId, id: input.customer_id, field: "customer_id" });
  if (input.product_id) requireProduct({ merchantId, id: input.product_id, field: "product_id" });
  if (input.payment_id) requirePayment({ merchantId, customerId: customer.id, id: input.payment_id, field: "payment_id" });
  if (input.subscription_id) {
    requireSubscription({ merchantId, customerId: customer.id, id: input.subscription_id, field: "subscription_id" });
  }
  const key = input.key ?? generateLicenseKey();
  // Keys are globally unique because the public endpoints look a key up without a merchant. A
  // taken key answers like any other invalid key, whoever holds it: a "taken" answer would let
  // one merchant probe for another's keys.
  if (db.select({ id: licenseKeys.id }).from(licenseKeys).where(eq(licenseKeys.key, key)).get()) {
    throw invalidField("key", "Invalid key: this key cannot be used; choose another, or leave key out and Portico generates one.");
  }
  const at = now();
  const licenseKey = db
    .insert(licenseKeys)
    .values({
      id: newId("licenseKey"),
      merchantId,
      customerId: customer.id,
      productId: input.product_id ?? null,
      paymentId: input.payment_id ?? null,
      subscriptionId: input.subscription_id ?? null,
      key,
      status: "active",
      activationsLimit: input.activations_limit ?? null,
      expiresAt: input.expires_at ?? null,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  audit({ merchantId, actor, action: "license_key.created", objectType: "license_key", objectId: licenseKey.id });
  return { licenseKey, activationsCount: 0 };
}

export function updateLicenseKey(opts: {
  merchantId: string;
  id: string;
  patch: { status?: LicenseKey["status"]; activations_limit?: number | null; expires_at?: Date | null };
  actor: Actor;
}) {
  const { licenseKey: current, activationsCount } = requireLicenseKey({ merchantId: opts.merchantId, id: opts.id });
  const { patch } = opts;
  const licenseKey = db
    .update(licenseKeys)
    .set({
      ...(patch.status ? { status: patch.status } : {}),
      // Lowering the limit below the current count keeps existing instances and blocks new ones.
      ...(patch.activations_limit !== undefined ? { activationsLimit: patch.activations_limit } : {}),
      ...(patch.expires_at !== undefined ? { expiresAt: patch.expires_at } : {}),
      updatedAt: now(),
    })
    .where(eq(licenseKeys.id, current.id))
    .returning()
    .get();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: "license_key.updated", objectType: "license_key", objectId: current.id, data: { fields: Object.keys(patch) } });
  return { licenseKey, activationsCount };
}

export function listInstances(opts: { merchantId: string; customerId?: string; licenseKeyId: string; limit: number; startingAfter?: string }) {
  const { licenseKey } = requireLicenseKey({ merchantId: opts.merchantId, customerId: opts.customerId, id: opts.licenseKeyId });
  return paginate({ table: licenseKeyInstances, where: liveInstances(licenseKey.id), limit: opts.limit, startingAfter: opts.startingAfter });
}

// ---- The public endpoints: the license key itself is the credential.

const unknownKey = () =>
  new DomainError({ kind: "not_found", code: "license_key_not_found", message: "No such license key.", field: "license_key" });

function findByKey(key: string) {
  return db.select().from(licenseKeys).where(eq(licenseKeys.key, key)).get();
}

/**
 * Activates one instance. Runs inside the caller's IMMEDIATE transaction, so the count and the
 * insert see no interleaving: N concurrent activations against limit L create min(N, L − used).
 */
export function activateLicense({ key, name }: { key: string; name: string }) {
  const licenseKey = findByKey(key);
  if (!licenseKey) throw unknownKey();
  const status = licenseStatus(licenseKey);
  if (status === "disabled") throw invalid("license_disabled", "This license key is disabled.", "license_key");
  if (status === "expired") throw invalid("license_expired", "This license key has expired.", "license_key");
  if (licenseKey.activationsLimit !== null) {
    const used = db.select({ n: count() }).from(licenseKeyInstances).where(liveInstances(licenseKey.id)).get()!.n;
    if (used >= licenseKey.activationsLimit) {
      throw limitReached("activation_limit_reached", `This license key is already activated ${used} of ${licenseKey.activationsLimit} times.`, "license_key");
    }
  }
  const instance = db
    .insert(licenseKeyInstances)
    .values({ id: newId("licenseKeyInstance"), licenseKeyId: licenseKey.id, name, createdAt: now() })
    .returning()
    .get();
  audit({ merchantId: licenseKey.merchantId, actor: { type: "system" }, action: "license_key.instance_activated", objectType: "license_key_instance", objectId: instance.id });
  return instance;
}

/**
 * Frees an activation slot. The public endpoint names the key; the portal names its customer
 * (`merchantId` + `customerId`), which then is part of the ownership check.
 */
export function deactivateInstance(opts: {
  key?: string;
  merchantId?: string;
  customerId?: string;
  instanceId: string;
  actor?: Actor;
}) {
  const row = db
    .select({ instance: licenseKeyInstances, licenseKey: licenseKeys })
    .from(licenseKeyInstances)
    .innerJoin(licenseKeys, eq(licenseKeys.id, licenseKeyInstances.licenseKeyId))
    .where(
      and(
        eq(licenseKeyInstances.id, opts.instanceId),
        isNull(licenseKeyInstances.deactivatedAt),
        opts.key !== undefined ? eq(licenseKeys.key, opts.key) : undefined,
        opts.merchantId ? eq(licenseKeys.merchantId, opts.merchantId) : undefined,
        opts.customerId ? eq(licenseKeys.customerId, opts.customerId) : undefined,
      ),
    )
    .get();
  if (!row || (opts.key === undefined && !opts.merchantId)) {
    throw notFound("license key instance", opts.instanceId, "license_key_instance_id");
  }
  const at = now();
  db.update(licenseKeyInstances).set({ deactivatedAt: at }).where(eq(licenseKeyInstances.id, row.instance.id)).run();
  const actor = opts.actor ?? { type: "system" as const };
  audit({ merchantId: row.licenseKey.merchantId, actor, action: "license_key.instance_deactivated", objectType: "license_key_instance", objectId: row.instance.id });
  emitEvent({ merchantId: row.licenseKey.merchantId, type: "license_key.instance_deactivated", object: serializeInstance(row.instance), actor: opts.actor });
  return { deactivated: true as const };
}

/**
 * Answers whether a key (and, when named, one of its instances) is good to use. An unknown key
 * gets the same answer whatever it is, so the endpoint tells nothing about other keys.
 */
export function validateLicense({ key, instanceId }: { key: string; instanceId?: string }) {
  const licenseKey = findByKey(key);
  if (!licenseKey) {
    return { valid: false, status: null, expires_at: null, activations_count: 0, activations_limit: null };
  }
  const status = licenseStatus(licenseKey);
  let instanceOk = true;
  if (instanceId !== undefined) {
    const instance = db
      .update(licenseKeyInstances)
      .set({ lastValidatedAt: now() })
      .where(and(eq(licenseKeyInstances.id, instanceId), liveInstances(licenseKey.id)))
      .returning({ id: licenseKeyInstances.id })
      .get();
    instanceOk = instance !== undefined;
  }
  const activationsCount = activationCounts([licenseKey.id]).get(licenseKey.id) ?? 0;
  return {
    valid: status === "active" && instanceOk,
    status,
    expires_at: licenseKey.expiresAt?.toISOString() ?? null,
    activations_count: activationsCount,
    activations_limit: licenseKey.activationsLimit,
  };
}
