import { cancelReasons, documentLocales, type Customer } from "#db/schema/index";
import type { Locale } from "~/i18n/index";
import type { CustomerPatch } from "~/models/customers.server";
import { AddressSchema, EmailSchema, hasUnsafeNameCharacters, LIMITS, toE164 } from "~/utils/fields";
import { requireAllowed, type CustomerSession } from "./guards.server";

// The portal's forms, read against the merchant's settings: a field or choice the merchant did
// not offer, posted by hand, is refused (403); a bad value is an error shown beside its field.

export type CancelReason = (typeof cancelReasons)[number];
export const CANCEL_REASONS = cancelReasons;
export type CancelErrors = Partial<Record<"when" | "reason" | "feedback", string>>;

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : null;
};

/**
 * The cancel form against the merchant's settings. A mode the merchant did not offer, posted by
 * hand, is refused (403), as is any cancel when cancelling is switched off.
 */
export function parseCancelForm(s: CustomerSession, form: FormData) {
  const settings = s.merchant.portalSettings.features.subscription_cancel;
  requireAllowed(settings.enabled);
  const when = field(form, "when");
  const errors: CancelErrors = {};
  let atPeriodEnd: boolean;
  if (settings.mode === "customer_choice") {
    if (when !== "at_period_end" && when !== "immediately") errors.when = "cancel.whenLegend";
    atPeriodEnd = when !== "immediately";
  } else {
    const offered = settings.mode === "immediately" ? "immediately" : "at_period_end";
    requireAllowed(when === null || when === offered);
    atPeriodEnd = offered === "at_period_end";
  }
  let reason: CancelReason | null = null;
  let feedback: string | null = null;
  // Without ask_reason the merchant asked for nothing: anything posted is not stored.
  if (settings.ask_reason) {
    const r = field(form, "reason") ?? "";
    if (r && !(cancelReasons as readonly string[]).includes(r)) errors.reason = "cancel.reasonInvalid";
    else reason = (r || null) as CancelReason | null;
    const fb = (field(form, "feedback") ?? "").trim();
    if (fb.length > LIMITS.text) errors.feedback = "cancel.feedbackTooLong";
    else feedback = fb || null;
  }
  return { atPeriodEnd, reason, feedback, errors };
}

// ---- Profile

export const ADDRESS_FIELDS = ["line1", "line2", "city", "state", "postal_code", "country"] as const;
/** The shipping address's inputs: the billing address's names with a `ship_` prefix. */
const SHIPPING_FIELDS = ADDRESS_FIELDS.map((n) => `ship_${n}` as const);
export const PROFILE_FIELDS = ["name", "email", "phone", ...ADDRESS_FIELDS, "tax_id", "legal_name", "document_locale", ...SHIPPING_FIELDS] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type ProfileErrors = Partial<Record<ProfileField | "address" | "shipping", string>>;

/** Which posted fields this merchant lets the customer change; anything else posted → 403. */
function editableFields(s: CustomerSession): Set<ProfileField> {
  const update = s.merchant.portalSettings.features.customer_update;
  requireAllowed(update.enabled);
  // allowed_fields names only name, email and phone: the rest follow the master switch.
  const out = new Set<ProfileField>([...ADDRESS_FIELDS, "tax_id", "legal_name", "document_locale", ...SHIPPING_FIELDS]);
  if (update.allowed_fields.includes("name")) out.add("name");
  if (update.allowed_fields.includes("email")) out.add("email");
  if (update.allowed_fields.includes("phone_number")) out.add("phone");
  return out;
}

/** A phone number without a country code is read in the billing country, else the UI language's. */
function phoneCountryHint(addressCountry: string | null, locale: Locale) {
  if (addressCountry && /^[A-Z]{2}$/.test(addressCountry)) return addressCountry;
  return locale === "ko" ? "KR" : "US";
}

export function parseProfileForm(s: CustomerSession, form: FormData) {
  const editable = editableFields(s);
  for (const name of PROFILE_FIELDS) {
    if (form.has(name) && !editable.has(name)) requireAllowed(false);
  }
  const c: Customer = s.customer;
  const values = Object.fromEntries(PROFILE_FIELDS.map((n) => [n, (field(form, n) ?? "").trim()])) as Record<ProfileField, string>;
  const errors: ProfileErrors = {};
  const patch: CustomerPatch = {};
  let newEmail: string | null = null;

  if (form.has("name")) {
    if (hasUnsafeNameCharacters(field(form, "name") ?? "")) errors.name = "profile.errors.nameCharacters";
    else if (values.name.length > LIMITS.name) errors.name = "profile.errors.tooLong";
    else if ((values.name || null) !== c.name) patch.name = values.name || null;
  }
  /** An address fieldset: all empty clears it, a partial one is an error beside each field. */
  const readAddress = (prefix: "" | "ship_", current: Customer["billingAddress"], group: "address" | "shipping") => {
    const name = (n: (typeof ADDRESS_FIELDS)[number]) => `${prefix}${n}` as ProfileField;
    if (!ADDRESS_FIELDS.some((n) => form.has(name(n)))) return { changed: false as const };
    if (ADDRESS_FIELDS.every((n) => !values[name(n)])) return current ? { changed: true as const, value: null } : { changed: false as const };
    const parsed = AddressSchema.safeParse({
      line1: values[name("line1")],
      line2: values[name("line2")] || null,
      city: values[name("city")],
      state: values[name("state")] || null,
      postal_code: values[name("postal_code")] || null,
      country: values[name("country")],
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]);
        errors[`${prefix}${key}` as ProfileField] =
          key === "country" ? "profile.errors.country" : issue.code === "too_big" ? "profile.errors.tooLong" : "profile.errors.required";
      }
      errors[group] = "profile.errors.address";
      return { changed: false as const };
    }
    const same = JSON.stringify(parsed.data) === JSON.stringify(current ? { ...current } : null);
    return same ? { changed: false as const } : { changed: true as const, value: parsed.data };
  };
  const billing = readAddress("", c.billingAddress, "address");
  if (billing.changed) patch.billing_address = billing.value;
  const shipping = readAddress("ship_", c.shippingAddress, "shipping");
  if (shipping.changed) patch.shipping_address = shipping.value;
  const addressCountry = billing.changed ? (billing.value?.country ?? null) : (c.billingAddress?.country ?? null);
  if (form.has("phone")) {
    if (!values.phone) {
      if (c.phoneNumber) patch.phone_number = null;
    } else {
      const e164 = values.phone.length <= 40 ? toE164(values.phone, phoneCountryHint(addressCountry, s.uiLocale)) : null;
      if (!e164) errors.phone = "profile.errors.phone";
      else if (e164 !== c.phoneNumber) patch.phone_number = e164;
    }
  }
  if (form.has("legal_name")) {
    if (hasUnsafeNameCharacters(field(form, "legal_name") ?? "")) errors.legal_name = "profile.errors.nameCharacters";
    else if (values.legal_name.length > LIMITS.name) errors.legal_name = "profile.errors.tooLong";
    else if ((values.legal_name || null) !== c.legalName) patch.legal_name = values.legal_name || null;
  }
  if (form.has("document_locale")) {
    const locale = values.document_locale || null;
    if (locale !== null && !(documentLocales as readonly string[]).includes(locale)) errors.document_locale = "profile.errors.documentLocale";
    else if (locale !== c.documentLocale) patch.document_locale = locale as Customer["documentLocale"];
  }
  if (form.has("tax_id")) {
    if (values.tax_id.length > 64) errors.tax_id = "profile.errors.tooLong";
    else if ((values.tax_id || null) !== c.taxId) patch.tax_id = values.tax_id || null;
  }
  // A customer known only by external_id may leave the email empty; nobody may remove one.
  if (form.has("email") && (values.email || c.email)) {
    const parsed = EmailSchema.safeParse(values.email);
    if (!parsed.success) errors.email = values.email ? "profile.errors.email" : "profile.errors.required";
    else if (parsed.data.toLowerCase() !== (c.email ?? "").toLowerCase()) newEmail = parsed.data;
  }
  return { values, errors, patch, newEmail };
}
