import { z } from "zod";
import { webhookEventTypes } from "#db/schema/webhooks";
import { TextSchema } from "~/utils/fields";
import { listParams } from "./common";

const MAX_URL_LENGTH = 2048;

function isHttpUrl(value: string) {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export const WebhookUrlSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .refine(isHttpUrl, "must be an absolute http or https URL");

export const WebhookEventTypeSchema = z.enum(webhookEventTypes);

export const CreateWebhookEndpointSchema = z.strictObject({
  url: WebhookUrlSchema,
  // Omitted = every event type. Duplicates collapse.
  events: z
    .array(WebhookEventTypeSchema)
    .min(1, "must name at least one event type")
    .max(webhookEventTypes.length * 4)
    .transform((events) => [...new Set(events)])
    .optional(),
  description: TextSchema.nullish(),
});

export const ListWebhookEndpointsQuerySchema = z.strictObject({ ...listParams });

export const ListWebhookDeliveriesQuerySchema = z.strictObject({
  ...listParams,
  event_id: z.string().min(1).max(100).optional(),
});
