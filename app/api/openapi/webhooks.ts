import { webhookEventTypes } from "#db/schema/webhooks";
import {
  CreateWebhookEndpointSchema,
  ListWebhookDeliveriesQuerySchema,
  ListWebhookEndpointsQuerySchema,
} from "~/api/schemas/webhooks";
import { s, type Operation } from "./registry";

const endpointProperties = {
  id: s.str,
  url: s.str,
  events: { type: "array", items: { enum: [...webhookEventTypes] } },
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
      event_type: { enum: [...webhookEventTypes] },
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

export const webhookOperations: Operation[] = [
  {
    method: "post",
    path: "/webhook-endpoints",
    summary: "Create a webhook endpoint (the secret is returned only here)",
    tag: "Webhook endpoints",
    body: CreateWebhookEndpointSchema,
    responses: {
      201: { description: "The new endpoint with its whsec_ signing secret", schema: "WebhookEndpointWithSecret" },
      422: {
        description: "Invalid URL or event type; in production a URL resolving to a private address (url_not_allowed)",
        schema: "Error",
      },
    },
  },
  {
    method: "get",
    path: "/webhook-endpoints",
    summary: "List webhook endpoints, newest first",
    tag: "Webhook endpoints",
    query: ListWebhookEndpointsQuerySchema,
    responses: { 200: { description: "A page of endpoints", schema: "WebhookEndpointList" } },
  },
  {
    method: "get",
    path: "/webhook-endpoints/{id}",
    summary: "Retrieve a webhook endpoint",
    tag: "Webhook endpoints",
    responses: {
      200: { description: "The endpoint", schema: "WebhookEndpoint" },
      404: { description: "No such endpoint", schema: "Error" },
    },
  },
  {
    method: "delete",
    path: "/webhook-endpoints/{id}",
    summary: "Delete a webhook endpoint; queued retries to it stop",
    tag: "Webhook endpoints",
    responses: {
      200: { description: "Deleted", schema: "DeletedWebhookEndpoint" },
      404: { description: "No such endpoint", schema: "Error" },
    },
  },
  {
    method: "get",
    path: "/webhook-endpoints/{id}/deliveries",
    summary: "The delivery log of an endpoint: one item per attempt, newest first",
    tag: "Webhook endpoints",
    query: ListWebhookDeliveriesQuerySchema,
    responses: {
      200: { description: "A page of delivery attempts", schema: "WebhookDeliveryList" },
      404: { description: "No such endpoint", schema: "Error" },
    },
  },
];
