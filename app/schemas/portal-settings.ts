import { z } from "zod";
import { customerUpdateFields, subscriptionCancelModes } from "#db/schema/index";
import { supportedLocales } from "~/i18n/index";
import { EmailSchema, NameSchema } from "~/utils/fields";

const LOGO_DATA_URL_MAX = 100 * 1024;

/** https only, or a small inline PNG/JPEG: a logo must never load from a plain-http origin. */
const LogoUrlSchema = z
  .string()
  .max(LOGO_DATA_URL_MAX, "must be under 100 KB")
  .refine((value) => {
    if (/^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$/.test(value)) return true;
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an https URL or a data:image/png or data:image/jpeg URL");

const HttpUrlSchema = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL");

const HostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, "must be a host name such as app.example.com");

/** PATCH /portal-settings: any part of the shape, merged into the stored settings. */
export const PortalSettingsPatchSchema = z.strictObject({
  branding: z
    .strictObject({
      display_name: NameSchema.nullable(),
      logo_url: LogoUrlSchema.nullable(),
      brand_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour").transform((c) => c.toLowerCase()).nullable(),
      support_email: EmailSchema.nullable(),
      default_locale: z.enum(supportedLocales),
      default_return_url: HttpUrlSchema.nullable(),
      allowed_return_hosts: z.array(HostSchema).max(20),
    })
    .partial(),
  features: z
    .strictObject({
      billing_history: z.strictObject({ enabled: z.boolean() }).partial(),
      subscription_cancel: z
        .strictObject({
          enabled: z.boolean(),
          mode: z.enum(subscriptionCancelModes),
          ask_reason: z.boolean(),
        })
        .partial(),
      customer_update: z
        .strictObject({
          enabled: z.boolean(),
          allowed_fields: z.array(z.enum(customerUpdateFields)).max(customerUpdateFields.length),
        })
        .partial(),
      license_keys: z.strictObject({ enabled: z.boolean(), allow_deactivate: z.boolean() }).partial(),
      wallet: z.strictObject({ enabled: z.boolean() }).partial(),
      usage: z.strictObject({ enabled: z.boolean() }).partial(),
    })
    .partial(),
}).partial();
