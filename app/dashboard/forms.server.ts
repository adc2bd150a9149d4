import type { z } from "zod";
import { ApiError } from "~/api/errors.server";
import { StaffError } from "~/models/staff-errors.server";

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
    else out[field] = { key: FIELD_MESSAGES[field] ?? "dash.validation.invalid" };
  }
  return out;
}

/** A domain failure as an inline error: beside its field when it names one, else on the form. */
export function domainFieldErrors(error: unknown): FieldErrors | null {
  if (error instanceof StaffError) return { [error.field ?? "form"]: { key: `dash.errors.${error.code}` } };
  if (error instanceof ApiError && error.status < 500 && error.status !== 404) {
    const field = error.param ? fieldName(error.param.split(".")) : "form";
    const key = error.code === "parameter_invalid" || error.code === "parameter_missing" ? (FIELD_MESSAGES[field] ?? "dash.validation.invalid") : `dash.errors.${error.code}`;
    return { [field]: { key } };
  }
  return null;
}

export const formString = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};
