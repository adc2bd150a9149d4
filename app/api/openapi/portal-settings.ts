import { PortalSettingsPatchSchema } from "~/api/schemas/portal-settings";
import { s, type Operation } from "./registry";

const enabled = s.obj({ enabled: s.bool });

export const portalSettingsSchemas = {
  PortalSettings: s.obj(
    {
      branding: s.obj({
        display_name: s.nullable(s.str),
        logo_url: s.nullable(s.str),
        brand_color: s.nullable(s.str),
        support_email: s.nullable(s.str),
        default_locale: { enum: ["en", "ko"] },
        default_return_url: s.nullable(s.str),
        allowed_return_hosts: { type: "array", items: s.str },
      }),
      features: s.obj({
        billing_history: enabled,
        subscription_cancel: s.obj({ enabled: s.bool, mode: { enum: ["at_period_end", "immediately", "customer_choice"] }, ask_reason: s.bool }),
        customer_update: s.obj({ enabled: s.bool, allowed_fields: { type: "array", items: { enum: ["name", "email", "phone_number"] } } }),
        license_keys: s.obj({ enabled: s.bool, allow_deactivate: s.bool }),
        wallet: enabled,
      }),
    },
    "portal_settings",
  ),
};

export const portalSettingsOperations: Operation[] = [
  {
    method: "get",
    path: "/portal-settings",
    summary: "Retrieve the portal settings (branding and features)",
    tag: "Portal settings",
    responses: { 200: { description: "The settings", schema: "PortalSettings" } },
  },
  {
    method: "patch",
    path: "/portal-settings",
    summary: "Update any part of the portal settings (deep merge)",
    tag: "Portal settings",
    body: PortalSettingsPatchSchema,
    responses: {
      200: { description: "The merged settings", schema: "PortalSettings" },
      422: { description: "Invalid value", schema: "Error" },
    },
  },
];
