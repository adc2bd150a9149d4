import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import { api, createStaff, get, post, signIn, snapshotDb } from "./dashboard-helpers";

// The permission matrix, cell by cell: every role against every dashboard loader and action.
// A refused request is a 403 and changes nothing; an allowed one gets past the check (each
// action is sent with input that then stops it harmlessly: invalid, or naming a missing object).
const ROLES = ["viewer", "support", "finance", "admin", "owner"] as const;
type Role = (typeof ROLES)[number];
const ALL: Role[] = [...ROLES];
const ADMINS: Role[] = ["admin", "owner"];
const SUPPORT: Role[] = ["support", "admin", "owner"];
const FINANCE: Role[] = ["finance", "admin", "owner"];
const MISSING_CUSTOMER = "/dashboard/customers/cus_doesnotexist000000000";

let server: TestServer;
let merchant: MerchantFixture;
let endpointId: string;
let customerId: string;
const cookies = {} as Record<Role, string>;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Matrix Co", "matrix");
  // The clock stands still from the sign-ins on: each sign-in counts as recent authentication
  // (10 minutes) for the actions that ask for it, however long the matrix takes to run.
  await server.freezeClock();
  for (const role of ROLES) {
    const staff = createStaff(server, { merchant: merchant.slug, email: `${role}@matrix.example`, role });
    cookies[role] = (await signIn(server, staff.email, staff.password)).cookie;
  }
  const created = await api(server, merchant.apiKey).post("/webhook-endpoints", { url: "https://example.com/matrix-hook" });
  expect(created.status).toBe(201);
  endpointId = created.body.id;
  const customer = await api(server, merchant.apiKey).post("/customers", { email: "matrix@example.com", name: "Matrix Customer" });
  expect(customer.status).toBe(201);
  customerId = customer.body.id;
}, 240_000);
afterAll(async () => {
  await server?.stop();
});

// `page`: the page's own marker, so an allowed request is known to have rendered that page.
// `resource`: a download, whose refusal is the 403 status alone (no page around it).
const loaders: { path: () => string; allowed: Role[]; ok: number; page?: string; resource?: boolean }[] = [
  { path: () => "/dashboard", allowed: ALL, ok: 200, page: "page-home" },
  { path: () => "/dashboard/account/security", allowed: ALL, ok: 200, page: "page-security" },
  { path: () => "/dashboard/switch", allowed: ALL, ok: 200, page: "page-switch" },
  { path: () => "/dashboard/audit", allowed: ADMINS, ok: 200, page: "page-audit" },
  { path: () => "/dashboard/settings", allowed: ADMINS, ok: 303 },
  { path: () => "/dashboard/settings/portal", allowed: ADMINS, ok: 200, page: "page-portal-settings" },
  { path: () => "/dashboard/settings/api-keys", allowed: ADMINS, ok: 200, page: "page-api-keys" },
  { path: () => "/dashboard/settings/webhooks", allowed: ADMINS, ok: 200, page: "page-webhooks" },
  { path: () => `/dashboard/settings/webhooks/${endpointId}`, allowed: ADMINS, ok: 200, page: "page-endpoint" },
  { path: () => "/dashboard/settings/team", allowed: ADMINS, ok: 200, page: "page-team" },
  { path: () => "/dashboard/customers", allowed: ALL, ok: 200, page: "page-customers" },
  { path: () => "/dashboard/customers/new", allowed: SUPPORT, ok: 200, page: "page-new-customer" },
  { path: () => "/dashboard/customers/export.csv", allowed: FINANCE, ok: 200, resource: true },
  { path: () => `/dashboard/customers/${customerId}`, allowed: ALL, ok: 200, page: "page-customer" },
  { path: () => `/dashboard/customers/${customerId}/payments`, allowed: ALL, ok: 200, page: "tab-panel-payments" },
  { path: () => `/dashboard/customers/${customerId}/subscriptions`, allowed: ALL, ok: 200, page: "tab-panel-subscriptions" },
  { path: () => `/dashboard/customers/${customerId}/license-keys`, allowed: ALL, ok: 200, page: "tab-panel-license-keys" },
  { path: () => `/dashboard/customers/${customerId}/wallet`, allowed: ALL, ok: 200, page: "tab-panel-wallet" },
  { path: () => `/dashboard/customers/${customerId}/usage`, allowed: ALL, ok: 200, page: "tab-panel-usage" },
  { path: () => `/dashboard/customers/${customerId}/activity`, allowed: ALL, ok: 200, page: "tab-panel-activity" },
];

const actions: { name: string; path: () => string; fields: Record<string, string>; allowed: Role[]; ok: number }[] = [
  { name: "save portal settings (invalid colour)", path: () => "/dashboard/settings/portal", fields: { brand_color: "red", default_locale: "en", cancel_mode: "at_period_end" }, allowed: ADMINS, ok: 400 },
  { name: "create an API key (no name)", path: () => "/dashboard/settings/api-keys", fields: { intent: "create", name: "", mode: "test" }, allowed: ADMINS, ok: 400 },
  { name: "revoke an API key (missing)", path: () => "/dashboard/settings/api-keys", fields: { intent: "revoke", key_id: "key_doesnotexist000000000" }, allowed: ADMINS, ok: 404 },
  { name: "create a webhook endpoint (no URL)", path: () => "/dashboard/settings/webhooks", fields: { intent: "create", url: "" }, allowed: ADMINS, ok: 400 },
  { name: "delete a webhook endpoint (missing)", path: () => "/dashboard/settings/webhooks", fields: { intent: "delete", endpoint_id: "we_doesnotexist0000000000" }, allowed: ADMINS, ok: 404 },
  { name: "send a test event (missing endpoint)", path: () => "/dashboard/settings/webhooks/we_doesnotexist0000000000", fields: { intent: "send_test" }, allowed: ADMINS, ok: 404 },
  { name: "resend an event (missing event)", path: () => `/dashboard/settings/webhooks/${endpointId}`, fields: { intent: "resend", event_id: "evt_doesnotexist000000000" }, allowed: ADMINS, ok: 404 },
  { name: "invite a teammate (bad email)", path: () => "/dashboard/settings/team", fields: { intent: "invite", email: "not-an-email", role: "viewer" }, allowed: ADMINS, ok: 400 },
  { name: "revoke an invite (missing)", path: () => "/dashboard/settings/team", fields: { intent: "revoke_invite", invite_id: "inv_doesnotexist000000000" }, allowed: ADMINS, ok: 404 },
  { name: "change a role (missing member)", path: () => "/dashboard/settings/team", fields: { intent: "change_role", membership_id: "mem_doesnotexist000000000", role: "viewer" }, allowed: ADMINS, ok: 404 },
  { name: "remove a member (missing)", path: () => "/dashboard/settings/team", fields: { intent: "remove", membership_id: "mem_doesnotexist000000000" }, allowed: ADMINS, ok: 404 },
  { name: "require two-factor (unchanged)", path: () => "/dashboard/settings/team", fields: { intent: "require_two_factor" }, allowed: ["owner"], ok: 303 },
  { name: "account security (unknown intent)", path: () => "/dashboard/account/security", fields: { intent: "nothing" }, allowed: ALL, ok: 400 },
  { name: "create a customer (bad email)", path: () => "/dashboard/customers/new", fields: { email: "nope" }, allowed: SUPPORT, ok: 400 },
  { name: "view portal as customer (missing)", path: () => `${MISSING_CUSTOMER}/view-as`, fields: {}, allowed: SUPPORT, ok: 404 },
  { name: "save a view (no name)", path: () => "/dashboard/customers", fields: { intent: "save_view", view_name: "", query: "" }, allowed: ALL, ok: 400 },
  { name: "edit a customer (bad email)", path: () => `/dashboard/customers/${customerId}`, fields: { intent: "update", email: "nope" }, allowed: SUPPORT, ok: 400 },
  { name: "edit metadata (key too long)", path: () => `/dashboard/customers/${customerId}`, fields: { intent: "metadata", meta_key: "k".repeat(41), meta_value: "v" }, allowed: SUPPORT, ok: 400 },
  { name: "mint a portal link (missing customer)", path: () => MISSING_CUSTOMER, fields: { intent: "portal_link" }, allowed: SUPPORT, ok: 404 },
  { name: "invite a customer (missing)", path: () => `${MISSING_CUSTOMER}/invite`, fields: {}, allowed: SUPPORT, ok: 404 },
  { name: "delete a customer (missing)", path: () => MISSING_CUSTOMER, fields: { intent: "delete", confirm_email: "x@example.com" }, allowed: ADMINS, ok: 404 },
  { name: "refund (missing payment)", path: () => `/dashboard/customers/${customerId}/payments`, fields: { intent: "refund", payment_id: "pay_doesnotexist000000000" }, allowed: FINANCE, ok: 404 },
  { name: "cancel a subscription (missing)", path: () => `/dashboard/customers/${customerId}/subscriptions`, fields: { intent: "cancel", subscription_id: "sub_doesnotexist000000000", when: "now" }, allowed: SUPPORT, ok: 404 },
  { name: "attach a product (missing)", path: () => `/dashboard/customers/${customerId}/subscriptions`, fields: { intent: "attach", product_id: "prod_doesnotexist00000000", quantity: "1" }, allowed: SUPPORT, ok: 404 },
  { name: "disable a license key (missing)", path: () => `/dashboard/customers/${customerId}/license-keys`, fields: { intent: "disable", license_key_id: "lk_doesnotexist0000000000" }, allowed: SUPPORT, ok: 404 },
  { name: "wallet entry (bad currency)", path: () => `/dashboard/customers/${customerId}/wallet`, fields: { entry_type: "credit", currency: "XYZ", amount: "1" }, allowed: FINANCE, ok: 400 },
  { name: "language (unknown locale)", path: () => "/dashboard/locale", fields: { locale: "xx", redirect_to: "/dashboard" }, allowed: ALL, ok: 303 },
];

describe.each(ROLES)("%s", (role) => {
  it.each(loaders.map((l) => [l.path(), l] as const))("GET %s", async (_label, l) => {
    const res = await get(`${server.url}${l.path()}`, cookies[role]);
    expect(res.status).toBe(l.allowed.includes(role) ? l.ok : 403);
    if (!l.allowed.includes(role)) expect(res.text).toContain(l.resource ? '"dashboardError":"forbidden"' : 'data-testid="dash-error" data-status="403"');
    else if (l.page) expect(res.text).toContain(`data-testid="${l.page}"`);
  });

  it.each(actions.map((a) => [a.name, a] as const))("POST %s", async (_label, a) => {
    const before = snapshotDb(server.dbFile);
    const res = await post(`${server.url}${a.path()}`, a.fields, { cookie: cookies[role] });
    expect(res.status).toBe(a.allowed.includes(role) ? a.ok : 403);
    expect(snapshotDb(server.dbFile)).toBe(before);
  });
});

describe("hiding is not the check", () => {
  it("a viewer's page shows no settings or audit navigation, and the refused pages stay refused", async () => {
    const home = await get(`${server.url}/dashboard`, cookies.viewer);
    expect(home.text).not.toContain('data-testid="nav-settings"');
    expect(home.text).not.toContain('data-testid="nav-audit"');
    const admin = await get(`${server.url}/dashboard`, cookies.admin);
    expect(admin.text).toContain('data-testid="nav-settings"');
    expect(admin.text).toContain('data-testid="nav-audit"');
  });
});
