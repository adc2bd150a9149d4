import { json } from "@remix-run/node";
import type { z } from "zod";
import { DomainError } from "~/models/errors.server";
import { NAME_CHARACTERS_RULE } from "~/utils/fields";

/**
 * Inline form errors. Forms validate with the same zod schemas (and model rules) the API uses;
 * an issue becomes a catalogue key (and values) shown beside its field, in the page's language.
 */
export type FieldError = { key: string; values?: Record<string, string | number> };
export type FieldErrors = Record<string, FieldError>;

// Fields whose rule is more than "required" or "too long" get their own sentence.
const FIELD_MESSAGES: Record<string, string> = {
  email: "dash.validation.email",
  support_email: "dash.validation.email",
  url: "dash.validation.url",
  default_return_url: "dash.validation.url",
  logo_url: "dash.validation.logoUrl",
  brand_color: "dash.validation.brandColor",
  allowed_return_hosts: "dash.validation.hosts",
  events: "dash.validation.events",
  role: "dash.validation.role",
  phone_number: "dash.fieldRules.phone",
  country: "dash.fieldRules.country",
  metadata: "dash.fieldRules.metadata",
  currency: "dash.fieldRules.currency",
  amount: "dash.fieldRules.amount",
  activations_limit: "dash.fieldRules.activationsLimit",
  expires_at: "dash.fieldRules.date",
};

const fieldName = (path: readonly PropertyKey[]) => {
  const names = path.filter((p): p is string => typeof p === "string");
  return names[names.length - 1] ?? "form";
};

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = fieldName(issue.path);
    if (out[field]) continue;
    if (issue.code === "too_small" && issue.origin === "string" && Number(issue.minimum) <= 1) out[field] = { key: "dash.validation.required" };
    else if (issue.code === "too_big" && issue.origin === "string") out[field] = { key: "dash.validation.tooLong", values: { max: Number(issue.maximum) } };
    // The same sentence as a staff name with those characters (the domain's `name_characters`).
    else if (issue.code === "custom" && issue.params?.rule === NAME_CHARACTERS_RULE) out[field] = { key: "dash.errors.name_characters" };
    else out[field] = { key: FIELD_MESSAGES[field] ?? "dash.validation.invalid" };
  }
  return out;
}

/**
 * A domain failure as an inline error: beside its field when it names one, else on the form.
 * Null for what a form cannot show (a missing object is the caller's 404; anything unexpected
 * is rethrown).
 */
export function domainFieldErrors(error: unknown): FieldErrors | null {
  if (!(error instanceof DomainError) || error.kind === "not_found") return null;
  const field = error.field ? fieldName(error.field.split(".")) : "form";
  // The one value rule the domain checks beyond the schema: a default return URL on the allowed hosts.
  if (field === "default_return_url") return { [field]: { key: "dash.validation.returnUrlHost" } };
  const key = error.code === "parameter_invalid" || error.code === "parameter_missing" ? (FIELD_MESSAGES[field] ?? "dash.validation.invalid") : `dash.errors.${error.code}`;
  return { [field]: { key } };
}

/** A domain "not found" (another merchant's object, or a missing one). */
export const isNotFound = (error: unknown) => error instanceof DomainError && error.kind === "not_found";

export const formString = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};

/**
 * The answer of a one-time-link form (setup, invite) that failed: a used, expired or unknown link
 * is one 404 answer; a rule broken is the error beside its field (400); anything else is thrown.
 */
export function linkFormFailure(error: unknown, form: FormData, headers: Record<string, string>) {
  if (isNotFound(error)) return json({ errors: { form: { key: "dash.errors.link_invalid" } } as FieldErrors, name: "" }, { status: 404, headers });
  const errors = domainFieldErrors(error);
  if (!errors) throw error;
  return json({ errors, name: formString(form, "name") }, { status: 400, headers });
}
