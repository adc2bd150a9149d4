import { and, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import { customers, merchants, type Customer, type Merchant } from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { LIMITS, mergeMetadata } from "~/utils/fields";
import { newId } from "~/utils/ids.server";
import { audit, type Actor } from "./audit.server";
import { conflict, notFound, invalidField } from "./errors.server";
import { emitEvent } from "./events.server";
import { paginate } from "./pagination.server";

export type CustomerInput = {
  email: string;
  name?: string | null;
  phone_number?: string | null;
  external_id?: string | null;
  billing_address?: Customer["billingAddress"];
  tax_id?: string | null;
  metadata?: Record<string, string>;
};

export type CustomerPatch = Partial<Omit<CustomerInput, "metadata">> & { metadata?: Record<string, string> | null };

export function serializeCustomer(c: Customer) {
  return {
    id: c.id,
    object: "customer" as const,
    email: c.email,
    name: c.name,
    phone_number: c.phoneNumber,
    external_id: c.externalId,
    billing_address: c.billingAddress
      ? {
          line1: c.billingAddress.line1,
          line2: c.billingAddress.line2 ?? null,
          city: c.billingAddress.city,
          state: c.billingAddress.state ?? null,
          postal_code: c.billingAddress.postal_code ?? null,
          country: c.billingAddress.country,
        }
      : null,
    tax_id: c.taxId,
    metadata: c.metadata,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

const live = (merchantId: string) => and(eq(customers.merchantId, merchantId), isNull(customers.deletedAt));

/** Email and external_id are unique among a merchant's live customers; 409 names the field. */
function assertUnique(merchantId: string, fields: { email?: string; externalId?: string | null }, exceptId?: string) {
  const others = (cond: ReturnType<typeof eq>) =>
    db
      .select({ id: customers.id })
      .from(customers)
      .where(and(live(merchantId), cond, exceptId ? sql`${customers.id} <> ${exceptId}` : undefined))
      .get();
  if (fields.email !== undefined && others(eq(customers.emailNormalized, fields.email.toLowerCase()))) {
    throw conflict("customer_exists", "A customer with this email already exists.", "email");
  }
  if (fields.externalId && others(eq(customers.externalId, fields.externalId))) {
    throw conflict("customer_exists", "A customer with this external_id already exists.", "external_id");
  }
}

// Prepared once: the hottest read of the API (every customer-scoped route resolves one).
const liveCustomerById = db
  .select()
  .from(customers)
  .where(
    and(
      eq(customers.id, sql.placeholder("id")),
      eq(customers.merchantId, sql.placeholder("merchantId")),
      isNull(customers.deletedAt),
    ),
  )
  .prepare();

/** A live customer of this merchant, or null (missing, deleted or another merchant's). */
export function getCustomer({ merchantId, id }: { merchantId: string; id: string }): Customer | null {
  return liveCustomerById.get({ id, merchantId }) ?? null;
}

/** A live customer of this merchant; otherwise not found, naming `field` when the id came in one. */
export function requireCustomer({ merchantId, id, field }: { merchantId: string; id: string; field?: string }): Customer {
  const customer = getCustomer({ merchantId, id });
  if (!customer) throw notFound("customer", id, field);
  return customer;
}

export function getCustomerByEmail({ merchantId, email }: { merchantId: string; email: string }): Customer | null {
  return (
    db
      .select()
      .from(customers)
      .where(and(live(merchantId), eq(customers.emailNormalized, email.trim().toLowerCase())))
      .get() ?? null
  );
}

// Prepared once: every signed-in portal page reads its customer and merchant through it.
const customerWithMerchant = db
  .select({ customer: customers, merchant: merchants })
  .from(customers)
  .innerJoin(merchants, eq(merchants.id, customers.merchantId))
  .where(and(eq(customers.id, sql.placeholder("customerId")), eq(customers.merchantId, sql.placeholder("merchantId")), isNull(customers.deletedAt)))
  .prepare();

/** A live customer with their merchant (a signed-in portal session's two objects), or null. */
export function getCustomerWithMerchant({ customerId, merchantId }: { customerId: string; merchantId: string }): { customer: Customer; merchant: Merchant } | null {
  return customerWithMerchant.get({ customerId, merchantId }) ?? null;
}

/** A customer of this merchant, deleted or not (their invoices stay readable), or null. */
export function getCustomerOfRecord({ merchantId, id }: { merchantId: string; id: string }): Customer | null {
  return db.select().from(customers).where(and(eq(customers.id, id), eq(customers.merchantId, merchantId))).get() ?? null;
}

export function createCustomer({ merchantId, input, actor }: { merchantId: string; input: CustomerInput; actor: Actor }) {
  assertUnique(merchantId, { email: input.email, externalId: input.external_id });
  const at = now();
  const customer = db
    .insert(customers)
    .values({
      id: newId("customer"),
      merchantId,
      email: input.email,
      emailNormalized: input.email.toLowerCase(),
      name: input.name ?? null,
      phoneNumber: input.phone_number ?? null,
      externalId: input.external_id ?? null,
      billingAddress: input.billing_address ?? null,
      taxId: input.tax_id ?? null,
      metadata: input.metadata ?? {},
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
  audit({ merchantId, actor, action: "customer.created", objectType: "customer", objectId: customer.id });
  return customer;
}

export type CustomerFilters = {
  email?: string;
  external_id?: string;
  q?: string;
  created_gte?: Date;
  created_lte?: Date;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function listCustomers(opts: { merchantId: string; filters: CustomerFilters; limit: number; startingAfter?: string }) {
  const f = opts.filters;
  const q = f.q ? `%${escapeLike(f.q.toLowerCase())}%` : undefined;
  const qId = f.q ? `%${escapeLike(f.q)}%` : undefined;
  const where = and(
    live(opts.merchantId),
    f.email ? eq(customers.emailNormalized, f.email.toLowerCase()) : undefined,
    f.external_id ? eq(customers.externalId, f.external_id) : undefined,
    q
      ? or(
          sql`casefold(${customers.name}) like ${q} escape '\\'`,
          sql`${customers.emailNormalized} like ${q} escape '\\'`,
          sql`${customers.id} like ${qId} escape '\\'`,
        )
      : undefined,
    f.created_gte ? gte(customers.createdAt, f.created_gte) : undefined,
    f.created_lte ? lte(customers.createdAt, f.created_lte) : undefined,
  );
  return paginate({ table: customers, where, limit: opts.limit, startingAfter: opts.startingAfter });
}

export function updateCustomer(opts: { merchantId: string; id: string; patch: CustomerPatch; actor: Actor }) {
  const { merchantId, id, patch, actor } = opts;
  const current = requireCustomer({ merchantId, id });
  assertUnique(merchantId, { email: patch.email, externalId: patch.external_id }, id);
  const metadata = patch.metadata === undefined ? current.metadata : mergeMetadata(current.metadata, patch.metadata);
  if (Object.keys(metadata).length > LIMITS.metadataKeys) {
    throw invalidField("metadata", `metadata must have at most ${LIMITS.metadataKeys} keys after the update`);
  }
  const updated = db
    .update(customers)
    .set({
      ...(patch.email !== undefined ? { email: patch.email, emailNormalized: patch.email.toLowerCase() } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.phone_number !== undefined ? { phoneNumber: patch.phone_number } : {}),
      ...(patch.external_id !== undefined ? { externalId: patch.external_id } : {}),
      ...(patch.billing_address !== undefined ? { billingAddress: patch.billing_address } : {}),
      ...(patch.tax_id !== undefined ? { taxId: patch.tax_id } : {}),
      metadata,
      updatedAt: now(),
    })
    .where(eq(customers.id, current.id))
    .returning()
    .get();
  audit({ merchantId, actor, action: "customer.updated", objectType: "customer", objectId: id, data: { fields: Object.keys(patch) } });
  emitEvent({ merchantId, type: "customer.updated", object: serializeCustomer(updated), actor });
  return updated;
}
