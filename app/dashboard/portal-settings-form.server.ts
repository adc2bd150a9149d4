import type { PortalSettings } from "#db/schema/index";
import type { z } from "zod";
import { PortalSettingsPatchSchema } from "~/schemas/portal-settings";
import { zodFieldErrors, type FieldErrors } from "./forms.server";

/** The form's field values as strings and booleans (what the page shows, and re-shows on errors). */
export type PortalSettingsFormValues = {
  display_name: string;
  logo_url: string;
  brand_color: string;
  support_email: string;
  default_locale: string;
  default_return_url: string;
  allowed_return_hosts: string;
  billing_history: boolean;
  subscription_cancel: boolean;
  cancel_mode: string;
  ask_reason: boolean;
  customer_update: boolean;
  allowed_fields: string[];
  license_keys: boolean;
  allow_deactivate: boolean;
  wallet: boolean;
  usage: boolean;
};

export function settingsToForm(s: PortalSettings): PortalSettingsFormValues {
  const b = s.branding;
  const f = s.features;
  return {
    display_name: b.display_name ?? "",
    logo_url: b.logo_url ?? "",
    brand_color: b.brand_color ?? "",
    support_email: b.support_email ?? "",
    default_locale: b.default_locale,
    default_return_url: b.default_return_url ?? "",
    allowed_return_hosts: b.allowed_return_hosts.join("\n"),
    billing_history: f.billing_history.enabled,
    subscription_cancel: f.subscription_cancel.enabled,
    cancel_mode: f.subscription_cancel.mode,
    ask_reason: f.subscription_cancel.ask_reason,
    customer_update: f.customer_update.enabled,
    allowed_fields: [...f.customer_update.allowed_fields],
    license_keys: f.license_keys.enabled,
    allow_deactivate: f.license_keys.allow_deactivate,
    wallet: f.wallet.enabled,
    usage: f.usage.enabled,
  };
}

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};
const orNull = (v: string) => (v.trim() === "" ? null : v.trim());

/**
 * The whole form as one PATCH /portal-settings body, validated by the API's own schema (so the
 * dashboard accepts exactly what the API accepts). Empty text fields clear their setting.
 */
type PortalSettingsPatch = z.output<typeof PortalSettingsPatchSchema>;

export function parsePortalSettingsForm(form: FormData): { values: PortalSettingsFormValues; patch?: PortalSettingsPatch; errors?: FieldErrors } {
  const values: PortalSettingsFormValues = {
    display_name: text(form, "display_name"),
    logo_url: text(form, "logo_url"),
    brand_color: text(form, "brand_color"),
    support_email: text(form, "support_email"),
    default_locale: text(form, "default_locale"),
    default_return_url: text(form, "default_return_url"),
    allowed_return_hosts: text(form, "allowed_return_hosts"),
    billing_history: form.has("billing_history"),
    subscription_cancel: form.has("subscription_cancel"),
    cancel_mode: text(form, "cancel_mode"),
    ask_reason: form.has("ask_reason"),
    customer_update: form.has("customer_update"),
    allowed_fields: form.getAll("allowed_fields").filter((v): v is string => typeof v === "string"),
    license_keys: form.has("license_keys"),
    allow_deactivate: form.has("allow_deactivate"),
    wallet: form.has("wallet"),
    usage: form.has("usage"),
  };
  const body = {
    branding: {
      display_name: orNull(values.display_name),
      logo_url: orNull(values.logo_url),
      brand_color: orNull(values.brand_color),
      support_email: orNull(values.support_email),
      default_locale: values.default_locale,
      default_return_url: orNull(values.default_return_url),
      allowed_return_hosts: values.allowed_return_hosts
        .split(/[\s,]+/)
        .map((h) => h.trim())
        .filter(Boolean),
    },
    features: {
      billing_history: { enabled: values.billing_history },
      subscription_cancel: { enabled: values.subscription_cancel, mode: values.cancel_mode, ask_reason: values.ask_reason },
      customer_update: { enabled: values.customer_update, allowed_fields: values.allowed_fields },
      license_keys: { enabled: values.license_keys, allow_deactivate: values.allow_deactivate },
      wallet: { enabled: values.wallet },
      usage: { enabled: values.usage },
    },
  };
  const parsed = PortalSettingsPatchSchema.safeParse(body);
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error);
    // zod names the mode field `mode` and the list `allowed_fields`; the form calls it cancel_mode.
    if (errors.mode) errors.cancel_mode = errors.mode;
    return { values, errors };
  }
  return { values, patch: parsed.data };
}
