import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { startReceiver, verify, type Receiver } from "./webhooks-receiver";
import { allTestIdTexts, api, createStaff, decodeHtml, get, post, queryDb, send, signIn, snapshotDb, testIdText, type StaffFixture } from "./dashboard-helpers";

// The settings pages through HTTP: portal settings with the API's schema and model, API keys
// used against the API, webhook endpoints delivering to a real receiver, and the audit log.
// Operator commands (tsx) take seconds each on a loaded machine: tests that run several get room.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let receiver: Receiver;
let merchant: MerchantFixture;
let owner: StaffFixture;
let cookie: string;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100", WEBHOOK_RETRY_DELAYS: "1,1,1" } });
  merchant = createMerchant(server.dbFile, "Settings Shop", "settings-shop");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@settings.example", role: "owner", name: "Sam Settings" });
  // The clock stands still from the sign-in on, so it stays "recent authentication" (10 minutes)
  // for the key and endpoint creations however long the file takes.
  await server.freezeClock();
  cookie = (await signIn(server, owner.email, owner.password)).cookie;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await receiver?.close();
});

const url = (path: string) => `${server.url}${path}`;

const FULL_FORM = {
  display_name: "Settings Shop",
  logo_url: "",
  brand_color: "#0f766e",
  support_email: "help@settings.example",
  default_locale: "ko",
  default_return_url: "https://app.settings.example/account",
  allowed_return_hosts: "app.settings.example\nsettings.example",
  billing_history: "on",
  subscription_cancel: "on",
  cancel_mode: "customer_choice",
  license_keys: "on",
  wallet: "on",
  usage: "on",
  customer_update: "on",
  allowed_fields: ["name", "phone_number"],
} as Record<string, string | string[]>;

describe("portal settings", () => {
  it("saves every setting through the API's model: the API reads back what the form wrote", async () => {
    const saved = await post(url("/dashboard/settings/portal"), FULL_FORM, { cookie });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe("/dashboard/settings/portal?notice=settings_saved");
    const settings = (await api(server, merchant.apiKey).get("/portal-settings")).body;
    expect(settings).toEqual({
      object: "portal_settings",
      branding: {
        display_name: "Settings Shop",
        logo_url: null,
        brand_color: "#0f766e",
        support_email: "help@settings.example",
        default_locale: "ko",
        default_return_url: "https://app.settings.example/account",
        allowed_return_hosts: ["app.settings.example", "settings.example"],
      },
      features: {
        billing_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: "customer_choice", ask_reason: false },
        customer_update: { enabled: true, allowed_fields: ["name", "phone_number"] },
        license_keys: { enabled: true, allow_deactivate: false },
        wallet: { enabled: true },
        usage: { enabled: true },
      },
    });
    const row = queryDb<{ actor_type: string; actor_id: string; ip: string; before: string; after: string }>(
      server.dbFile,
      "select actor_type, actor_id, ip, before, after from audit_log where action = 'portal_settings.updated' order by seq desc limit 1",
    )[0];
    expect(row).toMatchObject({ actor_type: "staff", actor_id: owner.id, ip: "127.0.0.1" });
    expect(JSON.parse(row.before)["features.license_keys.allow_deactivate"]).toBe(true);
    expect(JSON.parse(row.after)["features.license_keys.allow_deactivate"]).toBe(false);
    expect(JSON.parse(row.after)["branding.default_locale"]).toBe("ko");
    // The page shows what was stored.
    const page = decodeHtml((await get(url(saved.location!), cookie)).text);
    expect(page).toContain('value="https://app.settings.example/account"');
    expect(page).toContain("Settings saved.");
  });

  it("switches the usage page off and on again", async () => {
    const { usage: _on, ...withoutUsage } = FULL_FORM;
    expect((await post(url("/dashboard/settings/portal"), withoutUsage, { cookie })).status).toBe(303);
    expect((await api(server, merchant.apiKey).get("/portal-settings")).body.features.usage).toEqual({ enabled: false });
    const usageBox = async () => (await get(url("/dashboard/settings/portal"), cookie)).text.match(/<input[^>]*name="usage"[^>]*>/)?.[0];
    expect(await usageBox()).toMatch(/type="checkbox"/);
    expect(await usageBox()).not.toMatch(/checked/);
    expect((await post(url("/dashboard/settings/portal"), FULL_FORM, { cookie })).status).toBe(303);
    expect((await api(server, merchant.apiKey).get("/portal-settings")).body.features.usage).toEqual({ enabled: true });
    expect(await usageBox()).toMatch(/checked/);
  });

  it("shows the API's rules inline, field by field, and writes nothing", async () => {
    const before = snapshotDb(server.dbFile);
    const bad = await post(
      url("/dashboard/settings/portal"),
      { ...FULL_FORM, brand_color: "teal", logo_url: "http://insecure.example/logo.png", support_email: "not-mail", allowed_return_hosts: "bad host!", cancel_mode: "sometimes" },
      { cookie },
    );
    expect(bad.status).toBe(400);
    expect(testIdText(bad.text, "error-brand_color")).toBe("Use a colour like #0f766e.");
    expect(testIdText(bad.text, "error-logo_url")).toBe("Use an https URL, or a PNG or JPEG data URL under 100 KB.");
    expect(testIdText(bad.text, "error-support_email")).toBe("Enter a valid email address.");
    expect(testIdText(bad.text, "error-allowed_return_hosts")).toContain("host names");
    expect(bad.text).toContain('data-testid="error-summary"');
    // The typed values come back for correction.
    expect(decodeHtml(bad.text)).toContain('value="teal"');
    // The model's own rule: the default return URL on the allowed hosts.
    const host = await post(url("/dashboard/settings/portal"), { ...FULL_FORM, default_return_url: "https://elsewhere.example/" }, { cookie });
    expect(host.status).toBe(400);
    expect(testIdText(host.text, "error-default_return_url")).toBe("The default return URL must be on one of the allowed return hosts.");
    expect(snapshotDb(server.dbFile)).toBe(before);
  });

  it("previews the branding and warns when a brand colour fails WCAG AA", async () => {
    expect((await post(url("/dashboard/settings/portal"), { ...FULL_FORM, brand_color: "#777777" }, { cookie })).status).toBe(303);
    const grey = await get(url("/dashboard/settings/portal"), cookie);
    expect(grey.text).toContain('data-testid="branding-preview"');
    expect(testIdText(grey.text, "contrast-warning")).toMatch(/only 4\.4\d:1 contrast; WCAG AA asks for 4\.5:1/);
    expect((await post(url("/dashboard/settings/portal"), FULL_FORM, { cookie })).status).toBe(303);
    const teal = await get(url("/dashboard/settings/portal"), cookie);
    expect(teal.text).not.toContain('data-testid="contrast-warning"');
    expect(teal.text).toMatch(/data-testid="branding-preview"[\s\S]*--brand:#0f766e/);
  });
});

describe("API keys", () => {
  it("creates a key shown once that works against the API, shows its last use, and revokes it (then 401)", async () => {
    const created = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Backend", mode: "test" }, { cookie });
    expect(created.status).toBe(201);
    const secret = testIdText(created.text, "new-key-secret")!;
    expect(secret).toMatch(/^sk_test_[0-9A-Za-z]{43}$/);
    expect(decodeHtml(created.text)).toContain(`-H "Authorization: Bearer ${secret}"`);
    const list = await get(url("/dashboard/settings/api-keys"), cookie);
    expect(list.text).not.toContain(secret);
    const keyId = queryDb<{ id: string }>(server.dbFile, "select id from api_keys where name = 'Backend'")[0].id;
    expect(testIdText(list.text, `key-last-used-${keyId}`)).toBe("Never");

    // As a merchant's backend would use it (a curl-like request).
    const res = await send(url("/api/v1/customers?limit=1"), { headers: { Authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ object: "list" });
    expect(testIdText((await get(url("/dashboard/settings/api-keys"), cookie)).text, `key-last-used-${keyId}`)).toMatch(/UTC$/);
    // What the key does is audited with its own actor.
    const keyApi = api(server, secret);
    expect((await keyApi.post("/customers", { email: "made-by-key@settings.example" })).status).toBe(201);

    const revoked = await post(url("/dashboard/settings/api-keys"), { intent: "revoke", key_id: keyId }, { cookie });
    expect(revoked.status).toBe(303);
    expect((await send(url("/api/v1/customers"), { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);
    expect((await get(url("/dashboard/settings/api-keys"), cookie)).text).toMatch(new RegExp(`data-testid="key-${keyId}" data-revoked="true"`));
    // Another merchant's key id revokes nothing here.
    const other = createMerchant(server.dbFile, "Other Keys", "other-keys");
    const otherKeyId = queryDb<{ id: string }>(server.dbFile, "select id from api_keys where merchant_id = ?", other.id)[0].id;
    expect((await post(url("/dashboard/settings/api-keys"), { intent: "revoke", key_id: otherKeyId }, { cookie })).status).toBe(404);
    expect((await send(url("/api/v1/customers"), { headers: { Authorization: `Bearer ${other.apiKey}` } })).status).toBe(200);

    const actions = queryDb<{ action: string; actor_type: string }>(server.dbFile, "select action, actor_type from audit_log where object_id = ? order by seq", keyId);
    expect(actions).toEqual([
      { action: "api_key.created", actor_type: "staff" },
      { action: "api_key.revoked", actor_type: "staff" },
    ]);
  });

  it("refuses a nameless key inline and creates nothing", async () => {
    const before = snapshotDb(server.dbFile);
    const res = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "  ", mode: "test" }, { cookie });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, "error-name")).toBe("This is required.");
    expect(snapshotDb(server.dbFile)).toBe(before);
  });
});

describe("webhooks", () => {
  it("creates an endpoint (secret shown once), sends a signed test event, logs it, resends it, deletes", async () => {
    const created = await post(url("/dashboard/settings/webhooks"), { intent: "create", url: receiver.url("/dash"), description: "From the dashboard", events: ["customer.updated", "subscription.cancelled"] }, { cookie });
    expect(created.status).toBe(201);
    const secret = testIdText(created.text, "new-endpoint-secret")!;
    expect(secret).toMatch(/^whsec_/);
    const endpoint = queryDb<{ id: string; events: string }>(server.dbFile, "select id, events from webhook_endpoints where url = ?", receiver.url("/dash"))[0];
    expect(JSON.parse(endpoint.events)).toEqual(["customer.updated", "subscription.cancelled"]);
    const listed = await get(url("/dashboard/settings/webhooks"), cookie);
    expect(listed.text).toContain(`data-testid="endpoint-${endpoint.id}"`);
    expect(listed.text).not.toContain(secret);

    const test = await post(url(`/dashboard/settings/webhooks/${endpoint.id}`), { intent: "send_test" }, { cookie });
    expect(test.status).toBe(303);
    await receiver.waitFor(() => receiver.on("/dash").length === 1, "the test event");
    const event = verify(secret, receiver.on("/dash")[0]);
    expect(event).toMatchObject({ type: "webhook_endpoint.test", data: { object: { id: endpoint.id, object: "webhook_endpoint", url: receiver.url("/dash") } }, actor: { type: "staff", staff_user_id: owner.id } });
    expect(event.data.object.secret).toBeUndefined();

    const logged = (n: number) =>
      waitUntil(`the delivery log to show ${n} attempts`, async () => {
        const page = await get(url(`/dashboard/settings/webhooks/${endpoint.id}`), cookie);
        return (page.text.match(/data-testid="attempt-/g) ?? []).length >= n && page;
      });
    const log = await logged(1);
    expect(log.text).toContain('data-testid="page-endpoint"');
    expect(log.text).toContain("webhook_endpoint.test");
    expect(log.text).toMatch(/data-testid="delivery-log"[\s\S]*<td data-label="Attempt">1<\/td>[\s\S]*badge good">200</);

    const resent = await post(url(`/dashboard/settings/webhooks/${endpoint.id}`), { intent: "resend", event_id: event.id }, { cookie });
    expect(resent.status).toBe(303);
    await receiver.waitFor(() => receiver.on("/dash").length === 2, "the resent event");
    const again = receiver.on("/dash")[1];
    expect(again.headers["webhook-id"]).toBe(event.id);
    expect(again.body).toBe(receiver.on("/dash")[0].body);
    expect(verify(secret, again).id).toBe(event.id);
    expect((await logged(2)).text).toMatch(/<td data-label="Attempt">2<\/td>/);
    // Another merchant's event id resends nothing.
    expect((await post(url(`/dashboard/settings/webhooks/${endpoint.id}`), { intent: "resend", event_id: "evt_doesnotexist000000000" }, { cookie })).status).toBe(404);

    const deleted = await post(url("/dashboard/settings/webhooks"), { intent: "delete", endpoint_id: endpoint.id }, { cookie });
    expect(deleted.status).toBe(303);
    expect((await get(url(`/dashboard/settings/webhooks/${endpoint.id}`), cookie)).status).toBe(404);
    const audit = queryDb<{ action: string }>(server.dbFile, "select action from audit_log where object_id = ? order by seq", endpoint.id).map((r) => r.action);
    expect(audit).toEqual(["webhook_endpoint.created", "webhook_endpoint.test_sent", "webhook_event.resent", "webhook_endpoint.deleted"]);
  });

  it("validates with the API's schema and creates nothing on bad input", async () => {
    const before = snapshotDb(server.dbFile);
    for (const [fields, field, message] of [
      [{ url: "" }, "url", "This is required."],
      [{ url: "ftp://example.com/hook" }, "url", "Enter an absolute http(s) URL."],
      [{ url: "https://example.com/hook", description: "d".repeat(1001) }, "description", "Use at most 1000 characters."],
    ] as [Record<string, string>, string, string][]) {
      const res = await post(url("/dashboard/settings/webhooks"), { intent: "create", ...fields }, { cookie });
      expect(res.status).toBe(400);
      expect(testIdText(res.text, `error-${field}`)).toBe(message);
    }
    expect(snapshotDb(server.dbFile)).toBe(before);
  });
});

describe("the audit log", () => {
  it("shows staff, API key and customer actions with their own actors, filters them, newest first, page by page", async () => {
    const merchantApi = api(server, merchant.apiKey);
    for (const color of ["#111111", "#222222", "#0f766e"]) expect((await post(url("/dashboard/settings/portal"), { ...FULL_FORM, brand_color: color }, { cookie })).status).toBe(303);
    const customer = (await merchantApi.post("/customers", { email: "portal-user@settings.example", name: "Pat Portal" })).body as { id: string };
    // The customer changes their own name in the portal.
    const ps = (await merchantApi.post(`/customers/${customer.id}/portal-sessions`, {})).body as { url: string };
    const portalCookie = (await get(ps.url)).setCookie.find((c) => c.startsWith("portico_session="))!.split(";")[0];
    const profile = await post(url("/portal/profile"), { name: "Pat Renamed" }, { cookie: portalCookie });
    expect(profile.status).toBe(303);
    // 55 more entries by the API key, to page through.
    for (let i = 0; i < 55; i++) expect((await merchantApi.post("/customers", { email: `bulk${i}@settings.example` })).status).toBe(201);

    const first = await get(url("/dashboard/audit"), cookie);
    expect(first.status).toBe(200);
    const ids = (html: string) => [...html.matchAll(/data-testid="audit-(aud_[A-Za-z0-9]+)"/g)].map((m) => m[1]);
    const page1 = ids(first.text);
    expect(page1).toHaveLength(50);
    const ordered = queryDb<{ id: string }>(server.dbFile, "select id from audit_log where merchant_id = ? order by created_at desc, seq desc", merchant.id).map((r) => r.id);
    expect(page1).toEqual(ordered.slice(0, 50));
    const older = /<a[^>]*data-testid="pager-older"[^>]*>/.exec(first.text)![0];
    const next = decodeHtml(/href="([^"]*)"/.exec(older)![1]);
    expect(next).toMatch(/^\/dashboard\/audit\?after=\d+\.\d+$/);
    const second = await get(url(next), cookie);
    expect(ids(second.text)).toEqual(ordered.slice(50, 100));

    const byCustomer = await get(url("/dashboard/audit?actor=customer"), cookie);
    const customerRows = allTestIdTexts(byCustomer.text, "audit-aud_[A-Za-z0-9]+");
    expect(customerRows.length).toBeGreaterThan(0);
    expect(decodeHtml(byCustomer.text)).toContain("Pat Renamed (portal-user@settings.example)");
    expect(byCustomer.text).toMatch(/data-action="customer.updated" data-actor-type="customer"/);
    expect(byCustomer.text).not.toMatch(/data-actor-type="(staff|api_key)"/);

    const byStaff = await get(url(`/dashboard/audit?actor=${owner.id}&action=portal_settings.updated`), cookie);
    const staffIds = ids(byStaff.text);
    expect(staffIds.length).toBeGreaterThanOrEqual(3);
    expect(byStaff.text).not.toMatch(/data-action="(?!portal_settings\.updated)/);
    expect(decodeHtml(byStaff.text)).toContain("Sam Settings (owner@settings.example)");
    expect(byStaff.text).toContain("127.0.0.1");

    const byKey = await get(url("/dashboard/audit?actor=api_key&action=customer.created"), cookie);
    expect(ids(byKey.text).length).toBe(50);
    // The days before the oldest entry and after the newest (not the test's "today", which a
    // run across midnight would make wrong).
    const span = queryDb<{ oldest: number; newest: number }>(server.dbFile, "select min(created_at) oldest, max(created_at) newest from audit_log where merchant_id = ?", merchant.id)[0];
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const tomorrow = dayOf(span.newest + 86_400_000);
    const yesterday = dayOf(span.oldest - 86_400_000);
    expect(ids((await get(url(`/dashboard/audit?from=${tomorrow}`), cookie)).text)).toHaveLength(0);
    expect(ids((await get(url(`/dashboard/audit?to=${yesterday}`), cookie)).text)).toHaveLength(0);
    expect(ids((await get(url(`/dashboard/audit?from=${yesterday}&to=${tomorrow}`), cookie)).text)).toHaveLength(50);
    const badDate = await get(url("/dashboard/audit?from=last-week"), cookie);
    expect(badDate.status).toBe(200);
    expect(decodeHtml(badDate.text)).toContain("Enter dates as YYYY-MM-DD.");
    // Sign-ins are in the log too, with the address they came from.
    expect((await get(url("/dashboard/audit?action=staff.signed_in"), cookie)).text).toMatch(/data-action="staff.signed_in" data-actor-type="staff"/);
  });
});
