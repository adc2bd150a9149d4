import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import type { Customer } from "#db/schema/index";
import { formatMoney } from "~/billing/currency";
import { getCustomer } from "~/models/customers.server";
import { DomainError } from "~/models/errors.server";
import { writeTransaction } from "~/utils/db.server";
import { RateLimitedError } from "~/utils/rate-limit.server";
import { when } from "./format.server";
import { domainFieldErrors, formString, type FieldError, type FieldErrors } from "./forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffForm, type StaffContext } from "./guards.server";
import type { Permission } from "./permissions";

/**
 * The customer pages' shared server half: finding the customer of the staff member's merchant
 * (another merchant's id is a 404, exactly like a missing one), running an action's domain
 * functions in one write transaction, and turning a domain failure into an inline error.
 */

export function requireStaffCustomer(s: StaffContext, id: string | undefined): Customer {
  const customer = id ? getCustomer({ merchantId: s.merchant.id, id }) : null;
  if (!customer) throw dashboardError(404, "not_found");
  return customer;
}

export type ActionOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/**
 * Runs domain functions in one IMMEDIATE transaction (nothing half-written: a failure rolls all
 * of it back). A domain error becomes the inline message beside its field; "not found" is the
 * page's 404; a rate limit its 429; anything else is thrown.
 */
export function runAction<T>(fn: () => T): ActionOutcome<T> {
  try {
    return { ok: true, value: writeTransaction(fn) };
  } catch (error) {
    return { ok: false, errors: failureErrors(error) };
  }
}

export function failureErrors(error: unknown): FieldErrors {
  if (error instanceof RateLimitedError) throw dashboardError(429, "rate_limited", { "Retry-After": String(error.retryAfterS) });
  if (error instanceof DomainError && error.kind === "not_found") throw dashboardError(404, "not_found");
  const errors = domainFieldErrors(error);
  if (!errors) throw error;
  return errors;
}

/** A failed form: 400 (422 for a rule of the objects) with the errors and what was typed. */
export const formFailure = (errors: Record<string, FieldError | undefined>, extra: Record<string, unknown> = {}, status = 400) =>
  json({ errors, ...extra }, { status, headers: NO_STORE });

/** A new idempotency key for a form that must be safe to submit twice (rendered into the form). */
export const formIdempotencyKey = () => `dash_${crypto.randomUUID()}`;

/** Form fields as strings (a missing field is ""). */
export const formValues = (form: FormData, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, formString(form, n)])) as Record<string, string>;

export const money = (amount: number, currency: string, locale: string) => formatMoney(amount, currency, locale);

/** The about card: every field the customer has, formatted on the server. */
export function customerAbout(c: Customer, locale: string) {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    phoneNumber: c.phoneNumber,
    externalId: c.externalId,
    taxId: c.taxId,
    locale: c.locale,
    billingAddress: c.billingAddress,
    metadata: c.metadata,
    customerType: c.customerType,
    legalName: c.legalName,
    legalNumber: c.legalNumber,
    timezone: c.timezone,
    currency: c.currency,
    documentLocale: c.documentLocale,
    shippingAddress: c.shippingAddress,
    dateOfBirth: c.dateOfBirth,
    createdAt: when(c.createdAt, locale),
    updatedAt: when(c.updatedAt, locale),
  };
}

// The profile fields (API.md "Customer fields") that are plain text or a choice.
const PROFILE_FIELDS = ["customer_type", "legal_name", "legal_number", "timezone", "currency", "document_locale", "date_of_birth"] as const;
export const CUSTOMER_FORM_FIELDS = ["email", "name", "phone_number", "external_id", "tax_id", "line1", "line2", "city", "state", "postal_code", "country", ...PROFILE_FIELDS] as const;

/**
 * The create/edit form as the API's body (PATCH /customers semantics): empty optional fields are
 * null, an address with no line filled in is none. With `current`, only what changed is sent, so
 * an unchanged save changes nothing and emits nothing.
 */
export function customerBodyFromForm(form: FormData, current?: Customer): Record<string, unknown> {
  const v = formValues(form, CUSTOMER_FORM_FIELDS);
  const orNull = (s: string) => (s.trim() === "" ? null : s);
  const addressParts = [v.line1, v.line2, v.city, v.state, v.postal_code, v.country];
  const address = addressParts.every((p) => p.trim() === "")
    ? null
    : { line1: v.line1, line2: orNull(v.line2), city: v.city, state: orNull(v.state), postal_code: orNull(v.postal_code), country: v.country };
  const body: Record<string, unknown> = {
    email: orNull(v.email),
    name: orNull(v.name),
    phone_number: orNull(v.phone_number),
    external_id: orNull(v.external_id),
    tax_id: orNull(v.tax_id),
    billing_address: address,
    ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, orNull(v[f])])),
  };
  if (!current) {
    for (const [k, value] of Object.entries(body)) if (value === null) delete body[k];
    return body;
  }
  const was: Record<string, unknown> = {
    email: current.email,
    name: current.name,
    phone_number: current.phoneNumber,
    external_id: current.externalId,
    tax_id: current.taxId,
    billing_address: current.billingAddress
      ? {
          line1: current.billingAddress.line1,
          line2: current.billingAddress.line2 ?? null,
          city: current.billingAddress.city,
          state: current.billingAddress.state ?? null,
          postal_code: current.billingAddress.postal_code ?? null,
          country: current.billingAddress.country,
        }
      : null,
    customer_type: current.customerType,
    legal_name: current.legalName,
    legal_number: current.legalNumber,
    timezone: current.timezone,
    currency: current.currency,
    document_locale: current.documentLocale,
    date_of_birth: current.dateOfBirth,
  };
  for (const key of Object.keys(body)) if (JSON.stringify(body[key]) === JSON.stringify(was[key])) delete body[key];
  // The phone number is stored in E.164: the same number typed another way is no change, but
  // only the schema can tell, so a phone field that differs as text is sent and compared after.
  return body;
}

/**
 * The metadata editor as the API's merge patch: rows of `meta_key` / `meta_value`; a key of the
 * customer's that is gone from the rows, or whose value is emptied, is removed (`""`), a changed
 * or new one is set. Rows with neither key nor value are ignored.
 */
export function metadataPatchFromForm(form: FormData, current: Record<string, string>): { patch: Record<string, string>; rows: [string, string][] } {
  const keys = form.getAll("meta_key").map(String);
  const values = form.getAll("meta_value").map(String);
  const rows: [string, string][] = keys.map((k, i) => [k.trim(), values[i] ?? ""]);
  const patch: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [key, value] of rows) {
    if (key === "" && value === "") continue;
    seen.add(key);
    if (value === "" ? key in current : current[key] !== value) patch[key] = value;
  }
  for (const key of Object.keys(current)) if (!seen.has(key)) patch[key] = "";
  return { patch, rows: rows.filter(([k, v]) => k !== "" || v !== "") };
}

export const TAB_PAGE_SIZE = 25;

/** `?after=<id>`: where a tab's newest-first page starts. */
export const afterParam = (request: Request) => new URL(request.url).searchParams.get("after") || undefined;

/** The link to the next (older) page of a tab (after its last row), or null. */
export function olderLink(request: Request, hasMore: boolean, lastId: string | undefined) {
  return hasMore && lastId ? `${new URL(request.url).pathname}?after=${encodeURIComponent(lastId)}` : null;
}

/** A read of one customer's objects: a cursor or object that is not theirs is the page's 404. */
export function tabPage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DomainError && (error.kind === "not_found" || error.field === "starting_after")) throw dashboardError(404, "not_found");
    throw error;
  }
}

/** Whose objects a tab shows: the staff member's merchant and the customer of the URL. */
export type TabScope = { merchantId: string; customerId: string };

/**
 * The start of every customer tab's loader (each checks again: loaders run in parallel): a staff
 * member who may read customers, the customer of the URL (another merchant's is a 404) and the
 * scope every read of the tab is limited to.
 */
export async function requireCustomerTab({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const scope: TabScope = { merchantId: s.merchant.id, customerId: customer.id };
  return { s, customer, scope };
}

/**
 * The start of a customer tab's action: the staff member allowed to act, the posted form and its
 * intent, the customer of the URL, and the tab's own path (where the answer redirects to).
 */
export async function requireCustomerTabAction({ request, params, context }: ActionFunctionArgs, permission: Permission) {
  const { s, form, intent } = await requireStaffForm(request, permission, context.clientIp);
  const customer = requireStaffCustomer(s, params.id);
  const scope: TabScope = { merchantId: s.merchant.id, customerId: customer.id };
  return { s, form, intent, customer, scope, page: new URL(request.url).pathname };
}

/**
 * One newest-first page of a tab's list: `list` reads the scope's rows from the `?after=` cursor
 * on; the answer has those rows and the pager's two links (older, back to the newest).
 */
export function customerTabPage<Row>(
  request: Request,
  scope: TabScope,
  list: (query: TabScope & { limit: number; startingAfter: string | undefined }) => { rows: Row[]; hasMore: boolean },
  idOf: (row: Row) => string,
) {
  const after = afterParam(request);
  const page = tabPage(() => list({ ...scope, limit: TAB_PAGE_SIZE, startingAfter: after }));
  const last = page.rows.at(-1);
  return {
    rows: page.rows,
    pager: { older: olderLink(request, page.hasMore, last && idOf(last)), newest: after ? new URL(request.url).pathname : null },
  };
}
