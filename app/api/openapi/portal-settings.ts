import { customerUpdateFields, subscriptionCancelModes } from "#db/schema/index";
import { PortalSettingsPatchSchema } from "~/schemas/portal-settings";
import { supportedLocales } from "~/i18n/index";
import { operationsOf, s, type Operation } from "./registry";

const enabled = s.obj({ enabled: s.bool });

export const portalSettingsSchemas = {
  PortalSettings: s.obj(
    {
      branding: s.obj({
        display_name: s.nullable(s.str),
        logo_url: s.nullable(s.str),
        brand_color: s.nullable(s.str),
        support_email: s.nullable(s.str),
        default_locale: s.oneOf(supportedLocales),
        default_return_url: s.nullable(s.str),
        allowed_return_hosts: { type: "array", items: s.str },
      }),
      features: s.obj({
        billing_history: enabled,
        subscription_cancel: s.obj({ enabled: s.bool, mode: s.oneOf(subscriptionCancelModes), ask_reason: s.bool }),
        customer_update: s.obj({ enabled: s.bool, allowed_fields: { type: "array", items: s.oneOf(customerUpdateFields) } }),
        license_keys: s.obj({ enabled: s.bool, allow_deactivate: s.bool }),
        wallet: enabled,
        usage: enabled,
      }),
    },
    "portal_settings",
  ),
};

const op = operationsOf("Portal settings");

export const portalSettingsOperations: Operation[] = [
  op("get", "/portal-settings", "Retrieve the portal settings (branding and features)", { 200: ["PortalSettings", "The settings"] }),
  op("patch", "/portal-settings", "Update any part of the portal settings (deep merge)", { body: PortalSettingsPatchSchema, 200: ["PortalSettings", "The merged settings"] }),
];
