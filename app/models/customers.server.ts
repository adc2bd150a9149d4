import { and, eq, isNull, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { customers, merchants, payments, subscriptions, walletLedgerEntries, type Customer, type Merchant } from "#db/schema/index";
import { matchLocale, type Locale } from "~/i18n/index";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { LIMITS, mergeMetadata } from "~/utils/fields";
import { newId } from "~/utils/ids.server";
import { valuePlaceholder } from "~/utils/prepared.server";
import { audit, type Actor } from "./audit.server";
import { conflict, notFound, invalidField } from "./errors.server";
import { revokeEmailedLinks } from "./emailed-links.server";
import { emitEvent } from "./events.server";

export type CustomerInput = {
  email?: string | null;
  name?: string | null;
  phone_number?: string | null;
  external_id?: string | null;
  billing_address?: Customer["billingAddress"];
  tax_id?: string | null;
  metadata?: Record<string, string>;
  customer_type?: Customer["customerType"];
  legal_name?: string | null;
  legal_number?: string | null;
  timezone?: string | null;
  currency?: string | null;
  document_locale?: Customer["documentLocale"];
  shipping_address?: Customer["shippingAddress"];
  date_of_birth?: string | null;
};

export type CustomerPatch = Partial<Omit<CustomerInput, "metadata">> & { metadata?: Record<string, string> | null };

const address = (a: Customer["billingAddress"]) =>
  a
    ? {
        line1: a.line1,
        line2: a.line2 ?? null,
        city: a.city,
        state: a.state ?? null,
        postal_code: a.postal_code ?? null,
        country: a.country,
      }
    : null;

export function serializeCustomer(c: Customer) {
  return {
    id: c.id,
    object: "customer" as const,
    email: c.email,
    name: c.name,
    phone_number: c.phoneNumber,
    external_id: c.externalId,
    billing_address: address(c.billingAddress),
    tax_id: c.taxId,
    customer_type: c.customerType,
    legal_name: c.legalName,
    legal_number: c.legalNumber,
    timezone: c.timezone,
    currency: c.currency,
    document_locale: c.documentLocale,
    shipping_address: address(c.shippingAddress),
    date_of_birth: c.dateOfBirth,
    metadata: c.metadata,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

// An address as `address` writes it: these keys in this order, a missing one null. Parsed once
// (jsonb), not once per key.
const addressKeys = ["line1", "line2", "city", "state", "postal_code", "country"].map(sql.raw);
const addressJson = (column: SQLiteColumn) =>
  sql`case when json_type(${column}) = 'object' then (select json_object(${sql.join(
    addressKeys.map((k) => sql`'${k}', a ->> '${k}'`),
    sql`, `,
  )}) from (select jsonb(${column}) as a)) end`;

/**
 * `serializeCustomer`'s JSON written by SQLite, for the API's hot reads (a customer, a list page):
 * no `Customer` object, Date or parsed JSON column in between. json_object escapes strings as
 * JSON.stringify does; the two timestamps are added by `customerJson` (toISOString's format).
 * customers.server.test.ts holds it to JSON.stringify(serializeCustomer(…)) on awkward values.
 */
export const customerJsonFields = {
  json: sql<string>`json_object('id', ${customers.id}, 'object', 'customer', 'email', ${customers.email}, 'name', ${customers.name}, 'phone_number', ${customers.phoneNumber}, 'external_id', ${customers.externalId}, 'billing_address', ${addressJson(customers.billingAddress)}, 'tax_id', ${customers.taxId}, 'customer_type', ${customers.customerType}, 'legal_name', ${customers.legalName}, 'legal_number', ${customers.legalNumber}, 'timezone', ${customers.timezone}, 'currency', ${customers.currency}, 'document_locale', ${customers.documentLocale}, 'shipping_address', ${addressJson(customers.shippingAddress)}, 'date_of_birth', ${customers.dateOfBirth}, 'metadata', json(${customers.metadata}))`,
  createdAtMs: sql<number>`${customers.createdAt}`,
  updatedAtMs: sql<number>`${customers.updatedAt}`,
};

export type CustomerJsonRow = { json: string; createdAtMs: number; updatedAtMs: number };

/** A row of `customerJsonFields` as the customer's JSON text. */
export function customerJson(row: CustomerJsonRow): string {
  return `${row.json.slice(0, -1)},"created_at":"${new Date(row.createdAtMs).toISOString()}","updated_at":"${new Date(row.updatedAtMs).toISOString()}"}`;
}

/** A live customer of a merchant by id, both given as placeholders: the prepared reads by id below. */
const liveByIdPlaceholders = and(eq(customers.id, sql.placeholder("id")), eq(customers.merchantId, sql.placeholder("merchantId")), isNull(customers.deletedAt));

const liveCustomerJsonById = db.select(customerJsonFields).from(customers).where(liveByIdPlaceholders).prepare();

/** `JSON.stringify(serializeCustomer(requireCustomer(…)))`, without the objects in between. */
export function requireCustomerJson({ merchantId, id }: { merchantId: string; id: string }): string {
  const row = liveCustomerJsonById.get({ id, merchantId });
  if (!row) throw notFound("customer", id);
  return customerJson(row);
}

/** The language of this customer's invoices and emails: theirs when set, else `fallback`. */
export function documentLocaleOf(customer: Pick<Customer, "documentLocale">, fallback: Locale): Locale {
  return matchLocale(customer.documentLocale) ?? fallback;
}

const live = (merchantId: string) => and(eq(customers.merchantId, merchantId), isNull(customers.deletedAt));

// The uniqueness checks of every create and update, built and prepared once: another live
// customer of the merchant with this value (`exceptId`: other than this one).
const liveWith = (column: typeof customers.emailNormalized | typeof customers.externalId, except?: "except") =>
  db
    .select({ id: customers.id })
    .from(customers)
    .where(
      and(
        eq(customers.merchantId, sql.placeholder("merchantId")),
        isNull(customers.deletedAt),
        eq(column, sql.placeholder("value")),
        except ? sql`${customers.id} <> ${sql.placeholder("exceptId")}` : undefined,
      ),
    )
    .prepare();
const othersWith = {
  email: { any: liveWith(customers.emailNormalized), except: liveWith(customers.emailNormalized, "except") },
  externalId: { any: liveWith(customers.externalId), except: liveWith(customers.externalId, "except") },
};

/** Email and external_id are unique among a merchant's live customers; 409 names the field. */
function assertUnique(merchantId: string, fields: { email?: string | null; externalId?: string | null }, exceptId?: string) {
  const others = (field: keyof typeof othersWith, value: string) =>
    exceptId ? othersWith[field].except.get({ merchantId, value, exceptId }) : othersWith[field].any.get({ merchantId, value });
  if (fields.email && others("email", fields.email.toLowerCase())) {
    throw conflict("customer_exists", "A customer with this email already exists.", "email");
  }
  if (fields.externalId && others("externalId", fields.externalId)) {
    throw conflict("customer_exists", "A customer with this external_id already exists.", "external_id");
  }
}

// Prepared once: the hottest read of the API (every customer-scoped route resolves one).
const liveCustomerById = db.select().from(customers).where(liveByIdPlaceholders).prepare();

/** A live customer of this merchant, or null (missing, deleted or another merchant's). */
export function getCustomer({ merchantId, id }: { merchantId: string; id: string }): Customer | null {
  return liveCustomerById.get({ id, merchantId }) ?? null;
}

const liveCustomerIdById = db.select({ id: customers.id }).from(customers).where(liveByIdPlaceholders).prepare();

/**
 * `requireCustomer` without reading the row, for a write that needs only to know the customer
 * is there (a portal link's mint: the whole row, mapped, was ≈ 5 % of its CPU).
 */
export function assertCustomer({ merchantId, id }: { merchantId: string; id: string }): void {
  if (!liveCustomerIdById.get({ id, merchantId })) throw notFound("customer", id);
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

/** Lago and Autumn create customers from the merchant's own id alone; one of the two is needed. */
function assertIdentified(email: string | null | undefined, externalId: string | null | undefined, field: "email" | "external_id") {
  if (!email && !externalId) {
    throw invalidField(field, "A customer needs an email or an external_id.", field === "email" ? "parameter_missing" : "parameter_invalid");
  }
}

function assertBornInThePast(dateOfBirth: string | null | undefined) {
  if (dateOfBirth && dateOfBirth >= now().toISOString().slice(0, 10)) {
    throw invalidField("date_of_birth", "Invalid date_of_birth: must be in the past");
  }
}

/** The columns of the profile fields both create and update take, for the keys present. */
function profileColumns(input: CustomerPatch) {
  const has = (key: keyof CustomerPatch) => input[key] !== undefined;
  return {
    ...(has("name") ? { name: input.name ?? null } : {}),
    ...(has("phone_number") ? { phoneNumber: input.phone_number ?? null } : {}),
    ...(has("external_id") ? { externalId: input.external_id ?? null } : {}),
    ...(has("billing_address") ? { billingAddress: input.billing_address ?? null } : {}),
    ...(has("tax_id") ? { taxId: input.tax_id ?? null } : {}),
    ...(has("customer_type") ? { customerType: input.customer_type ?? null } : {}),
    ...(has("legal_name") ? { legalName: input.legal_name ?? null } : {}),
    ...(has("legal_number") ? { legalNumber: input.legal_number ?? null } : {}),
    ...(has("timezone") ? { timezone: input.timezone ?? null } : {}),
    ...(has("currency") ? { currency: input.currency ?? null } : {}),
    ...(has("document_locale") ? { documentLocale: input.document_locale ?? null } : {}),
    ...(has("shipping_address") ? { shippingAddress: input.shipping_address ?? null } : {}),
    ...(has("date_of_birth") ? { dateOfBirth: input.date_of_birth ?? null } : {}),
    ...(has("email") ? { email: input.email ?? null, emailNormalized: input.email ? input.email.toLowerCase() : null } : {}),
  };
}

// Every column a create writes, each given (null when the input leaves it out): prepared once.
const insertCustomer = db
  .insert(customers)
  .values({
    id: sql.placeholder("id"),
    merchantId: sql.placeholder("merchantId"),
    email: sql.placeholder("email"),
    emailNormalized: sql.placeholder("emailNormalized"),
    name: sql.placeholder("name"),
    phoneNumber: sql.placeholder("phoneNumber"),
    externalId: sql.placeholder("externalId"),
    billingAddress: valuePlaceholder("billingAddress", customers.billingAddress),
    taxId: sql.placeholder("taxId"),
    customerType: sql.placeholder("customerType"),
    legalName: sql.placeholder("legalName"),
    legalNumber: sql.placeholder("legalNumber"),
    timezone: sql.placeholder("timezone"),
    currency: sql.placeholder("currency"),
    documentLocale: sql.placeholder("documentLocale"),
    shippingAddress: valuePlaceholder("shippingAddress", customers.shippingAddress),
    dateOfBirth: sql.placeholder("dateOfBirth"),
    metadata: valuePlaceholder("metadata", customers.metadata),
    createdAt: sql.placeholder("createdAt"),
    updatedAt: sql.placeholder("updatedAt"),
  })
  .returning()
  .prepare();

export function createCustomer({ merchantId, input, actor }: { merchantId: string; input: CustomerInput; actor: Actor }) {
  assertIdentified(input.email, input.external_id, "email");
  assertBornInThePast(input.date_of_birth);
  assertUnique(merchantId, { email: input.email, externalId: input.external_id });
  const at = now();
  const customer = insertCustomer.get({
    id: newId("customer"),
    merchantId,
    email: null,
    emailNormalized: null,
    name: null,
    phoneNumber: null,
    externalId: null,
    billingAddress: null,
    taxId: null,
    customerType: null,
    legalName: null,
    legalNumber: null,
    timezone: null,
    currency: null,
    documentLocale: null,
    shippingAddress: null,
    dateOfBirth: null,
    ...profileColumns(input),
    metadata: input.metadata ?? {},
    createdAt: at,
    updatedAt: at,
  });
  audit({ merchantId, actor, action: "customer.created", objectType: "customer", objectId: customer.id });
  return customer;
}

/**
 * Lago's currency lock: once a customer has a payment, a subscription or a wallet entry, their
 * currency is what those were made against and can no longer change.
 */
export function isCurrencyLocked(customerId: string): boolean {
  const any = (table: typeof payments | typeof subscriptions | typeof walletLedgerEntries) =>
    db.select({ one: sql`1` }).from(table).where(eq(table.customerId, customerId)).limit(1).get() !== undefined;
  return any(payments) || any(subscriptions) || any(walletLedgerEntries);
}

export function updateCustomer(opts: { merchantId: string; id: string; patch: CustomerPatch; actor: Actor }) {
  const { merchantId, id, patch, actor } = opts;
  const current = requireCustomer({ merchantId, id });
  assertIdentified(
    patch.email === undefined ? current.email : patch.email,
    patch.external_id === undefined ? current.externalId : patch.external_id,
    patch.email === null ? "email" : "external_id",
  );
  assertBornInThePast(patch.date_of_birth);
  if (patch.currency !== undefined && (patch.currency ?? null) !== current.currency && isCurrencyLocked(current.id)) {
    throw conflict("currency_locked", "The currency of a customer with payments, subscriptions or wallet entries cannot change.", "currency");
  }
  assertUnique(merchantId, { email: patch.email, externalId: patch.external_id }, id);
  const metadata = patch.metadata === undefined ? current.metadata : mergeMetadata(current.metadata, patch.metadata);
  if (Object.keys(metadata).length > LIMITS.metadataKeys) {
    throw invalidField("metadata", `metadata must have at most ${LIMITS.metadataKeys} keys after the update`);
  }
  const updated = db
    .update(customers)
    .set({ ...profileColumns(patch), metadata, updatedAt: now() })
    .where(eq(customers.id, current.id))
    .returning()
    .get();
  // Links and codes mailed to the old address stop working.
  if (updated.emailNormalized !== current.emailNormalized) revokeEmailedLinks({ customerId: id });
  audit({ merchantId, actor, action: "customer.updated", objectType: "customer", objectId: id, data: { fields: Object.keys(patch) } });
  emitEvent({ merchantId, type: "customer.updated", object: serializeCustomer(updated), actor });
  return updated;
}
