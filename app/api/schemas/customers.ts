import { z } from "zod";
import { listParams } from "./common";
import {
  AddressSchema,
  DateBoundSchema,
  EmailSchema,
  ExternalIdSchema,
  MetadataSchema,
  NameSchema,
  PhoneSchema,
  TaxIdSchema,
} from "~/utils/fields";

// Request bodies of the customers API; also the source of their OpenAPI schemas.
export const CreateCustomerSchema = z.strictObject({
  email: EmailSchema,
  name: NameSchema.nullish(),
  phone_number: PhoneSchema.nullish(),
  external_id: ExternalIdSchema.nullish(),
  billing_address: AddressSchema.nullish(),
  tax_id: TaxIdSchema.nullish(),
  metadata: MetadataSchema.optional(),
});

export const UpdateCustomerSchema = z.strictObject({
  email: EmailSchema.optional(),
  name: NameSchema.nullish(),
  phone_number: PhoneSchema.nullish(),
  external_id: ExternalIdSchema.nullish(),
  billing_address: AddressSchema.nullish(),
  tax_id: TaxIdSchema.nullish(),
  // Keys given are set, "" removes a key, null clears all.
  metadata: MetadataSchema.nullable().optional(),
});

export const ListCustomersQuerySchema = z.strictObject({
  ...listParams,
  email: EmailSchema.optional(),
  external_id: z.string().min(1).max(200).optional(),
  q: z.string().min(1).max(200).optional(),
  created_gte: DateBoundSchema("lower").optional(),
  created_lte: DateBoundSchema("upper").optional(),
});
