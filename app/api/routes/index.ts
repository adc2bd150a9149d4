import { openApiDocument } from "~/api/openapi/document.server";
import { jsonAnswer } from "~/api/respond.server";
import type { ApiRoute } from "~/api/route.server";
import { billingOverview, customer, customerList } from "./customers";
import { entitlement, entitlementCheck, entitlementList, usage } from "./entitlements";
import { licenseActivate, licenseDeactivate, licenseKey, licenseKeyInstances, licenseKeyList, licenseValidate } from "./license-keys";
import { invoice, payment, paymentList, refunds } from "./payments";
import { portalSession, portalSessionMint } from "./portal-sessions";
import { portalSettings } from "./portal-settings";
import { product, productList } from "./products";
import { subscription, subscriptionCancel, subscriptionList, subscriptionResume } from "./subscriptions";
import { ledgerEntries, wallets } from "./wallets";
import { webhookDeliveries, webhookEndpoint, webhookEndpointList } from "./webhook-endpoints";

/**
 * Every path of `/api/v1`, once: what the lean router (app/api/router.server.ts) serves, what
 * the OpenAPI document's operations are checked against, and what test/api/openapi.test.ts
 * holds the document to. A new endpoint is a handler map in this folder and one line here.
 */
export const apiRoutes: ApiRoute[] = [
  { path: "/customers", auth: "key", methods: customerList },
  { path: "/customers/:id", auth: "key", methods: customer },
  { path: "/customers/:id/billing-overview", auth: "key", methods: billingOverview },
  { path: "/customers/:id/entitlements", auth: "key", methods: entitlementList },
  { path: "/customers/:id/entitlements/:feature", auth: "key", methods: entitlement },
  { path: "/customers/:id/entitlements/:feature/check", auth: "key", methods: entitlementCheck },
  { path: "/customers/:id/usage", auth: "key", methods: usage },
  { path: "/customers/:id/portal-sessions", auth: "key", methods: portalSessionMint },
  { path: "/customers/:id/wallets", auth: "key", methods: wallets },
  { path: "/customers/:id/wallets/ledger-entries", auth: "key", methods: ledgerEntries },
  { path: "/license-keys", auth: "key", methods: licenseKeyList },
  { path: "/license-keys/:id", auth: "key", methods: licenseKey },
  { path: "/license-keys/:id/instances", auth: "key", methods: licenseKeyInstances },
  { path: "/licenses/activate", auth: "public", methods: licenseActivate },
  { path: "/licenses/deactivate", auth: "public", methods: licenseDeactivate },
  { path: "/licenses/validate", auth: "public", methods: licenseValidate },
  { path: "/payments", auth: "key", methods: paymentList },
  { path: "/payments/:id", auth: "key", methods: payment },
  { path: "/payments/:id/refunds", auth: "key", methods: refunds },
  { path: "/payments/:id/invoice", auth: "key", methods: invoice },
  { path: "/portal-sessions/:id", auth: "key", methods: portalSession },
  { path: "/portal-settings", auth: "key", methods: portalSettings },
  { path: "/products", auth: "key", methods: productList },
  { path: "/products/:id", auth: "key", methods: product },
  { path: "/subscriptions", auth: "key", methods: subscriptionList },
  { path: "/subscriptions/:id", auth: "key", methods: subscription },
  { path: "/subscriptions/:id/cancel", auth: "key", methods: subscriptionCancel },
  { path: "/subscriptions/:id/resume", auth: "key", methods: subscriptionResume },
  { path: "/webhook-endpoints", auth: "key", methods: webhookEndpointList },
  { path: "/webhook-endpoints/:id", auth: "key", methods: webhookEndpoint },
  { path: "/webhook-endpoints/:id/deliveries", auth: "key", methods: webhookDeliveries },
  // Public: the contract is no secret, and client generators fetch it without a key.
  { path: "/openapi.json", auth: "document", GET: () => jsonAnswer(200, openApiDocument(apiRoutes), { "Cache-Control": "public, max-age=300" }) },
];
