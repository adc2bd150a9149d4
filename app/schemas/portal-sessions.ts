import { z } from "zod";

const ObjectId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,64}$`), `must be a ${prefix}_… id`);

export const PortalFlowSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("subscription_cancel"), subscription_id: ObjectId("sub") }),
  z.strictObject({ type: z.literal("license_keys") }),
  z.strictObject({ type: z.literal("invoice"), payment_id: ObjectId("pay") }),
  z.strictObject({ type: z.literal("profile") }),
  z.strictObject({ type: z.literal("billing_history") }),
]);

// Body of POST /customers/{id}/portal-sessions; also the source of its OpenAPI schema.
export const CreatePortalSessionSchema = z.strictObject({
  return_url: z.string().max(2048, "must be at most 2048 characters").nullish(),
  // A BCP 47 tag ("en", "ko", "ko-KR"); pages and mails fall back to English for others.
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, "must be a language tag such as en or ko")
    .nullish(),
  expires_in: z.number().int("must be an integer").min(300, "must be at least 300").max(604_800, "must be at most 604800").optional(),
  send_email: z.boolean().optional(),
  flow: PortalFlowSchema.nullish(),
});
