import { webhookEventRecordTypes, webhookEventTypes } from "#db/schema/webhooks";
import {
  CreateWebhookEndpointSchema,
  ListWebhookDeliveriesQuerySchema,
  ListWebhookEndpointsQuerySchema,
} from "~/schemas/webhooks";
import { operationsOf, s, type Operation } from "./registry";

const endpointProperties = {
  id: s.str,
  url: s.str,
  events: { type: "array", items: s.oneOf(webhookEventTypes) },
  description: s.nullable(s.str),
  created_at: s.ts,
};

export const webhookSchemas = {
  WebhookEndpoint: s.obj(endpointProperties, "webhook_endpoint"),
  WebhookEndpointWithSecret: s.obj(
    { ...endpointProperties, secret: { type: "string", pattern: "^whsec_", description: "Shown only in this response" } },
    "webhook_endpoint",
  ),
  WebhookEndpointList: s.list("WebhookEndpoint"),
  DeletedWebhookEndpoint: s.obj({ id: s.str, deleted: { const: true } }, "webhook_endpoint"),
  WebhookDelivery: s.obj(
    {
      id: s.str,
      event_id: s.str,
      event_type: s.oneOf(webhookEventRecordTypes),
      attempt: s.int,
      status_code: s.nullable(s.int),
      error: s.nullable(s.str),
      duration_ms: s.int,
      delivered: s.bool,
      created_at: s.ts,
    },
    "webhook_delivery",
  ),
  WebhookDeliveryList: s.list("WebhookDelivery"),
};

const op = operationsOf("Webhook endpoints");

export const webhookOperations: Operation[] = [
  op("post", "/webhook-endpoints", "Create a webhook endpoint (the secret is returned only here)", { body: CreateWebhookEndpointSchema, 201: ["WebhookEndpointWithSecret", "The new endpoint with its whsec_ signing secret"], 422: "Invalid URL or event type; in production a URL resolving to a private address (url_not_allowed)" }),
  op("get", "/webhook-endpoints", "List webhook endpoints, newest first", { query: ListWebhookEndpointsQuerySchema, 200: ["WebhookEndpointList", "A page of endpoints"] }),
  op("get", "/webhook-endpoints/{id}", "Retrieve a webhook endpoint", { 200: ["WebhookEndpoint", "The endpoint"], 404: "No such endpoint" }),
  op("delete", "/webhook-endpoints/{id}", "Delete a webhook endpoint; queued retries to it stop", { 200: ["DeletedWebhookEndpoint", "Deleted"], 404: "No such endpoint" }),
  op("get", "/webhook-endpoints/{id}/deliveries", "The delivery log of an endpoint: one item per attempt, newest first", { query: ListWebhookDeliveriesQuerySchema, 200: ["WebhookDeliveryList", "A page of delivery attempts"], 404: "No such endpoint" }),
];
