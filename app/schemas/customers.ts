import { z } from "zod";
import { customerSortKeys, customerStringFields, customerStringOperators, customerTypes, documentLocales } from "#db/schema/index";

type CustomerStringField = (typeof customerStringFields)[number];
import { listParams } from "./common";
import {
  AddressSchema,
  CalendarDateSchema,
  CurrencySchema,
  DateBoundSchema,
  EmailSchema,
  ExternalIdSchema,
  LegalNameSchema,
  LegalNumberSchema,
  MetadataSchema,
  NameSchema,
  PhoneSchema,
  TaxIdSchema,
  TimezoneSchema,
} from "~/utils/fields";

// Request bodies of the customers API; also the source of their OpenAPI schemas.

/** The fields of API.md's "Customer fields and list queries": optional, null when unset. */
const profileFields = {
  customer_type: z.enum(customerTypes).nullish(),
  legal_name: LegalNameSchema.nullish(),
  legal_number: LegalNumberSchema.nullish(),
  timezone: TimezoneSchema.nullish(),
  currency: CurrencySchema.nullish(),
  document_locale: z.enum(documentLocales).nullish(),
  shipping_address: AddressSchema.nullish(),
  date_of_birth: CalendarDateSchema.nullish(),
};

/** Who the customer is and how to reach and bill them: the same rules on create and update. */
const contactFields = {
  email: EmailSchema.nullish(),
  name: NameSchema.nullish(),
  phone_number: PhoneSchema.nullish(),
  external_id: ExternalIdSchema.nullish(),
  billing_address: AddressSchema.nullish(),
  tax_id: TaxIdSchema.nullish(),
};

// `email` is required unless `external_id` is given: the model says so (422 `param: email`).
export const CreateCustomerSchema = z.strictObject({
  ...contactFields,
  metadata: MetadataSchema.optional(),
  ...profileFields,
});

export const UpdateCustomerSchema = z.strictObject({
  ...contactFields,
  // Keys given are set, "" removes a key, null clears all.
  metadata: MetadataSchema.nullable().optional(),
  ...profileFields,
});

export const RetrieveCustomerQuerySchema = z.strictObject({
  "expand[]": z.literal("summary", { error: "can only be summary" }).optional(),
});

// ---- GET /customers: plain filters, Odus-style `field[op]=value` operators, sort, expand

const MAX_LIST_VALUES = 100;

/** A comma-separated list (`in`, `nin`): 1 to 100 values, each checked like a single one. */
const commaList = (item: z.ZodType<string, string>) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()))
    .pipe(z.array(item).min(1).max(MAX_LIST_VALUES, `must list at most ${MAX_LIST_VALUES} values`));

const operand = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const countryOperand = z.string().regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 country code");

const operandOf = { email: operand(254), name: operand(200), external_id: operand(200), country: countryOperand } as const;

/** `email[eq]`, `name[like]`, `country[in]`, … for every string field and operator. */
const stringOperatorParams = Object.fromEntries(
  customerStringFields.flatMap((field) =>
    customerStringOperators.map((op) => {
      const single = field === "country" && op === "like" ? operand(2) : operandOf[field];
      return [`${field}[${op}]`, (op === "in" || op === "nin" ? commaList(operandOf[field]) : single).optional()];
    }),
  ),
) as unknown as Record<`${CustomerStringField}[${"eq" | "ne" | "like"}]`, z.ZodOptional<z.ZodString>> &
  Record<`${CustomerStringField}[${"in" | "nin"}]`, z.ZodOptional<z.ZodType<string[], string>>>;

const MetadataFilterKey = z.string().min(1, "the key must not be empty").max(40, "keys must be at most 40 characters");
const MetadataFilterValue = z.string().max(500, "values must be at most 500 characters");

export const customerSortParams = customerSortKeys.flatMap((k) => [k, `-${k}`] as const);

export const ListCustomersQuerySchema = z.strictObject({
  ...listParams,
  email: EmailSchema.optional(),
  external_id: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  created_gte: DateBoundSchema("lower").optional(),
  created_lte: DateBoundSchema("upper").optional(),
  ...stringOperatorParams,
  "created_at[gte]": DateBoundSchema("lower").optional(),
  "created_at[lte]": DateBoundSchema("upper").optional(),
  // `key:value` (that entry) or `key` (has the key). Other metadata[<key>]=<value> parameters are
  // read before this schema; the OpenAPI document lists them as one deepObject parameter.
  "metadata[contains]": z
    .string()
    .transform((s, ctx) => {
      const at = s.indexOf(":");
      const entry = at < 0 ? { key: s, value: null } : { key: s.slice(0, at), value: s.slice(at + 1) };
      const parsed = MetadataFilterSchema.extend({ value: MetadataFilterValue.nullable() }).safeParse(entry);
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", message: `must be key:value or key (${parsed.error.issues[0].message})` });
        return z.NEVER;
      }
      return parsed.data;
    })
    .optional(),
  sort: z.enum(customerSortParams).optional(),
  "expand[]": z.literal("summary", { error: "can only be summary" }).optional(),
});

/** `metadata[<key>]=<value>`: one metadata entry. */
export const MetadataFilterSchema = z.object({ key: MetadataFilterKey, value: MetadataFilterValue });

export const BillingOverviewQuerySchema = z.strictObject({});
