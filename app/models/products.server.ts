import { and, eq, inArray } from "drizzle-orm";
import { products, type Product } from "#db/schema/index";
import { MAX_INTERVAL_COUNT, type Interval } from "~/billing/periods";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { invalidField, notFound } from "./errors.server";
import { owned } from "./ownership.server";
import { paginate } from "./pagination.server";

export type ProductInput = {
  name: string;
  description?: string | null;
  type: Product["type"];
  price: number;
  currency: string;
  interval?: Interval;
  interval_count?: number;
};

export function serializeProduct(p: Product) {
  const recurring = p.type === "subscription";
  return {
    id: p.id,
    object: "product" as const,
    name: p.name,
    description: p.description,
    type: p.type,
    price: p.price,
    currency: p.currency,
    interval: recurring ? p.interval : null,
    interval_count: recurring ? p.intervalCount : null,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** One product of this merchant; otherwise not found, naming `field` when the id came in one. */
export function requireProduct({ merchantId, id, field }: { merchantId: string; id: string; field?: string }): Product {
  const product = db
    .select()
    .from(products)
    .where(owned(products, { id, merchantId }))
    .get();
  if (!product) throw notFound("product", id, field);
  return product;
}

/** The names of these products of this merchant, by id. */
export function getProductNames({ merchantId, ids }: { merchantId: string; ids: string[] }): Map<string, string> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select({ id: products.id, name: products.name })
    .from(products)
    .where(and(eq(products.merchantId, merchantId), inArray(products.id, ids)))
    .all();
  return new Map(rows.map((p) => [p.id, p.name]));
}

export function createProduct({ merchantId, input, actor }: { merchantId: string; input: ProductInput; actor: Actor }) {
  let interval: Interval | null = null;
  let intervalCount = 1;
  if (input.type === "subscription") {
    if (!input.interval) throw invalidField("interval", "Missing required param: interval (required for subscription products).", "parameter_missing");
    interval = input.interval;
    intervalCount = input.interval_count ?? 1;
    if (intervalCount > MAX_INTERVAL_COUNT[interval]) {
      throw invalidField("interval_count", `A billing period is at most one year: at most ${MAX_INTERVAL_COUNT[interval]} for interval '${interval}'.`);
    }
  } else if (input.interval !== undefined || input.interval_count !== undefined) {
    throw invalidField(input.interval !== undefined ? "interval" : "interval_count", "One-time products have no interval.");
  }
  const at = now();
  const product = db
    .insert(products)
    .values({
      id: newId("product"),
      merchantId,
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      price: input.price,
      currency: input.currency,
      interval,
      intervalCount,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  audit({ merchantId, actor, action: "product.created", objectType: "product", objectId: product.id });
  return product;
}

export function listProducts(opts: { merchantId: string; type?: Product["type"]; limit: number; startingAfter?: string }) {
  const where = and(eq(products.merchantId, opts.merchantId), opts.type ? eq(products.type, opts.type) : undefined);
  return paginate({ table: products, where, limit: opts.limit, startingAfter: opts.startingAfter });
}

export function updateProduct(opts: {
  merchantId: string;
  id: string;
  patch: { name?: string; description?: string | null };
  actor: Actor;
}) {
  const current = requireProduct({ merchantId: opts.merchantId, id: opts.id });
  const updated = db
    .update(products)
    .set({
      ...(opts.patch.name !== undefined ? { name: opts.patch.name } : {}),
      ...(opts.patch.description !== undefined ? { description: opts.patch.description } : {}),
      updatedAt: now(),
    })
    .where(eq(products.id, current.id))
    .returning()
    .get();
  audit({ merchantId: opts.merchantId, actor: opts.actor, action: "product.updated", objectType: "product", objectId: current.id });
  return updated;
}
