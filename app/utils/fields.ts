import { z } from "zod";
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * Field schemas shared by the API and the portal's forms: one definition of what a valid email,
 * phone number, currency, address or metadata map is.
 */

export const LIMITS = { name: 200, text: 1000, email: 254, metadataKeys: 50, metadataKey: 40, metadataValue: 500 };

export const EmailSchema = z
  .string()
  .trim()
  .max(LIMITS.email, `must be at most ${LIMITS.email} characters`)
  .pipe(z.email({ message: "must be a valid email address" }));

/**
 * Characters a name must not hold, because they make text say something else than it shows:
 * C0 and C1 controls (U+0000–U+001F, U+007F–U+009F) and the bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Accents, Hangul, apostrophes and hyphens are
 * ordinary characters.
 */
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
export const hasUnsafeNameCharacters = (value: string) => UNSAFE_NAME_CHARACTERS.test(value);
/** Tags the refusal (`params.rule` on the zod issue) so that a form can say which rule it broke. */
export const NAME_CHARACTERS_RULE = "name_characters";

// Checked before trimming: a control character at either end is refused too, not silently cut.
export const NameSchema = z
  .string()
  .refine((v) => !hasUnsafeNameCharacters(v), { message: "must not contain control or bidirectional formatting characters", params: { rule: NAME_CHARACTERS_RULE } })
  .trim()
  .min(1, "must not be empty")
  .max(LIMITS.name, `must be at most ${LIMITS.name} characters`);

export const TextSchema = z.string().max(LIMITS.text, `must be at most ${LIMITS.text} characters`);

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** ISO 3166-1 alpha-2, upper-cased; a code ICU does not know as a region is refused. */
export const CountrySchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 country code")
  .transform((c) => c.toUpperCase())
  .refine((c) => {
    const label = regionNames.of(c);
    return label !== undefined && label !== c && label !== "Unknown Region";
  }, "is not a known ISO 3166-1 country code");

export const AddressSchema = z.strictObject({
  line1: z.string().trim().min(1, "must not be empty").max(LIMITS.name),
  line2: z.string().trim().max(LIMITS.name).nullish(),
  city: z.string().trim().min(1, "must not be empty").max(LIMITS.name),
  state: z.string().trim().max(LIMITS.name).nullish(),
  postal_code: z.string().trim().max(20).nullish(),
  country: CountrySchema,
});

/** Parses any common way of writing a phone number into E.164, or returns null. */
export function toE164(input: string, defaultCountry?: string): string | null {
  const region = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(input, region);
  return parsed && parsed.isValid() ? parsed.number : null;
}

export const PhoneSchema = z
  .string()
  .trim()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({ code: "custom", message: "must be a valid phone number in international format, e.g. +14155550123" });
      return z.NEVER;
    }
    return e164;
  });

export const TaxIdSchema = z.string().trim().min(1).max(64);
export const ExternalIdSchema = z.string().trim().min(1).max(LIMITS.name);

const MetadataKey = z.string().min(1).max(LIMITS.metadataKey, `keys must be at most ${LIMITS.metadataKey} characters`);
const metadataKeyCount = (m: Record<string, unknown>) => Object.keys(m).length <= LIMITS.metadataKeys;
const tooManyKeys = { message: `must have at most ${LIMITS.metadataKeys} keys` };

/** Metadata on create: string values only. */
export const MetadataSchema = z
  .record(MetadataKey, z.string().max(LIMITS.metadataValue, `values must be at most ${LIMITS.metadataValue} characters`))
  .refine(metadataKeyCount, tooManyKeys);

/** Applies a metadata patch and enforces the key limit on the result. */
export function mergeMetadata(current: Record<string, string>, patch: Record<string, string> | null) {
  if (patch === null) return {};
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === "") delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Upper-case ISO 4217 codes that this runtime's ICU knows (and so can format). */
const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));
export const CurrencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, "must be a three-letter ISO 4217 code")
  .transform((c) => c.toUpperCase())
  .refine((c) => knownCurrencies.has(c), "is not a supported ISO 4217 currency");

/** ISO 8601 date or date-time → Date. */
export const DateInputSchema = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: "must be an ISO 8601 date or date-time",
  })
  .transform((s) => new Date(s));

/**
 * A date filter bound. A bare date (2026-11-24) as an upper bound means the end of that day in
 * UTC, so `created_lte=2026-11-24` includes objects made on the 24th.
 */
export const DateBoundSchema = (bound: "lower" | "upper") =>
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: "must be an ISO 8601 date or date-time",
    })
    .transform((s) => {
      const d = new Date(s);
      return bound === "upper" && s.length === 10 ? new Date(d.getTime() + 86_399_999) : d;
    });

/** An IANA time zone name that this runtime's ICU knows, in its canonical spelling (Asia/Seoul). */
export const TimezoneSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, "must be an IANA time zone name such as Asia/Seoul")
  .transform((name, ctx) => {
    try {
      return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: "custom", message: "is not a known IANA time zone name" });
      return z.NEVER;
    }
  });

/** A calendar date, YYYY-MM-DD, that exists (no February 30th). */
export const CalendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "is not a calendar date");

export const LegalNameSchema = NameSchema;
export const LegalNumberSchema = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
