import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, startSmtpCapture, type MerchantFixture, type SmtpCapture, type TestServer } from "../setup/server";
import { api, createStaff, get, post, queryDb, send, setClock, signIn, snapshotDb, testIdText, type StaffFixture } from "./dashboard-helpers";

// The customer page through HTTP against the built server: every action goes through the API's
// domain functions (same rules, same webhook events with the staff member as actor, the audit
// log), bad input answers inline and writes nothing, another merchant's ids are 404s.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let smtp: SmtpCapture;
let merchant: MerchantFixture;
let other: MerchantFixture;
let owner: StaffFixture;
let cookie: string;
let customerId: string;
let otherCustomerId: string;

const url = (path: string) => `${server.url}${path}`;
const page = (suffix = "") => url(`/dashboard/customers/${customerId}${suffix}`);

/** The last webhook event of a type, parsed. */
function lastEvent(type: string) {
  const row = queryDb<{ payload: string }>(server.dbFile, "select payload from webhook_events where type = ? order by created_at desc, seq desc limit 1", type)[0];
  return row ? (JSON.parse(row.payload) as { data: { object: Record<string, unknown> }; actor?: Record<string, unknown> }) : null;
}

// Deliveries to the endpoint are attempted in the background: their rows change on their own.
const snapshot = () => snapshotDb(server.dbFile, ["webhook_deliveries", "webhook_delivery_attempts", "mail_outbox"]);

const auditRows = (action: string) =>
  queryDb<{ actor_type: string; actor_id: string; ip: string; object_id: string }>(server.dbFile, "select actor_type, actor_id, ip, object_id from audit_log where action = ? order by seq", action);

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { RATE_LIMIT_SCALE: "1", SMTP_URL: smtp.url, MAIL_FROM: "Shop <billing@shop.example>" } });
  merchant = createMerchant(server.dbFile, "Customer Shop", "customer-shop");
  other = createMerchant(server.dbFile, "Other Shop", "other-shop");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@customer-shop.example", role: "owner", name: "Olive Owner" });
  cookie = (await signIn(server, owner.email, owner.password)).cookie;
  const created = await api(server, merchant.apiKey).post("/customers", {
    email: "minji@example.com",
    name: "김민지",
    metadata: { plan: "pro", seat: "3" },
  });
  expect(created.status).toBe(201);
  customerId = created.body.id;
  otherCustomerId = (await api(server, other.apiKey).post("/customers", { email: "x@other.example", name: "Other" })).body.id;
  // Every event type, so events are recorded for each change below.
  expect((await api(server, merchant.apiKey).post("/webhook-endpoints", { url: "https://example.com/hook" })).status).toBe(201);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe("the page", () => {
  it("shows the customer's about card and every tab as its own URL", async () => {
    const res = await get(page(), cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="page-customer"');
    expect(testIdText(res.text, "about-name")).toBe("김민지");
    expect(testIdText(res.text, "about-email")).toBe("minji@example.com");
    expect(res.text).toContain('data-testid="tab-panel-payments"');
    for (const tab of ["payments", "subscriptions", "license-keys", "wallet", "usage", "activity"]) {
      const t = await get(page(`/${tab}`), cookie);
      expect(t.status, tab).toBe(200);
      expect(t.text).toContain(`data-testid="tab-panel-${tab}"`);
    }
  });

  it("another merchant's customer, a missing one and a deleted one are 404", async () => {
    for (const id of [otherCustomerId, "cus_doesnotexist00000000", "../settings"]) {
      const res = await get(url(`/dashboard/customers/${encodeURIComponent(id)}`), cookie);
      expect(res.status, id).toBe(404);
      expect(res.text).toContain('data-testid="dash-error" data-status="404"');
    }
    const before = snapshot();
    const res = await post(url(`/dashboard/customers/${otherCustomerId}`), { intent: "update", email: "stolen@example.com" }, { cookie });
    expect(res.status).toBe(404);
    expect(snapshot()).toBe(before);
  });
});

describe("edit", () => {
  it("validates with the API's schema inline and writes nothing", async () => {
    const before = snapshot();
    const res = await post(page(), { intent: "update", email: "not-an-email", name: "", phone_number: "12", country: "ZZ", line1: "1 Road", city: "Seoul" }, { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-email"');
    expect(res.text).toContain('data-testid="error-phone_number"');
    expect(res.text).toContain('data-testid="error-summary"');
    expect(snapshot()).toBe(before);
  });

  it("saves only what changed, as PATCH /customers does, and emits customer.updated with the staff member as actor", async () => {
    const res = await post(
      page(),
      { intent: "update", email: "minji@example.com", name: "김민지 (Minji)", phone_number: "+82 10-1234-5678", external_id: "u-42", tax_id: "", line1: "1 Sejong-daero", line2: "", city: "Seoul", state: "", postal_code: "04524", country: "kr", back: `/dashboard/customers/${customerId}/wallet` },
      { cookie },
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/dashboard/customers/${customerId}/wallet?notice=customer_saved`);
    const c = (await api(server, merchant.apiKey).get(`/customers/${customerId}`)).body;
    expect(c).toMatchObject({ name: "김민지 (Minji)", phone_number: "+821012345678", external_id: "u-42", billing_address: { line1: "1 Sejong-daero", city: "Seoul", postal_code: "04524", country: "KR" } });
    const event = lastEvent("customer.updated");
    expect(event?.actor).toEqual({ type: "staff", staff_user_id: owner.id });
    expect(auditRows("customer.updated").at(-1)).toMatchObject({ actor_type: "staff", actor_id: owner.id, ip: "127.0.0.1", object_id: customerId });
  });

  it("an unchanged save changes nothing; a taken email is the API's conflict, inline", async () => {
    const unchanged = await post(page(), { intent: "update", email: "minji@example.com", name: "김민지 (Minji)", phone_number: "+821012345678", external_id: "u-42", line1: "1 Sejong-daero", city: "Seoul", postal_code: "04524", country: "KR" }, { cookie });
    expect(unchanged.location).toContain("notice=unchanged");
    await api(server, merchant.apiKey).post("/customers", { email: "taken@example.com" });
    const before = snapshot();
    const res = await post(page(), { intent: "update", email: "TAKEN@example.com" }, { cookie });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, "error-email")).toBe("Another customer already has this value.");
    expect(snapshot()).toBe(before);
  });
});

describe("metadata", () => {
  it("merges like the API: a changed value set, an emptied one removed, a new one added", async () => {
    const res = await post(page(), { intent: "metadata", meta_key: ["plan", "seat", "", "region"], meta_value: ["team", "", "", "apac"] }, { cookie });
    expect(res.status).toBe(303);
    expect((await api(server, merchant.apiKey).get(`/customers/${customerId}`)).body.metadata).toEqual({ plan: "team", region: "apac" });
  });

  it("a key that is too long is an inline error and nothing changes", async () => {
    const before = snapshot();
    const res = await post(page(), { intent: "metadata", meta_key: ["plan", "region", "k".repeat(41)], meta_value: ["team", "apac", "x"] }, { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-metadata"');
    expect(snapshot()).toBe(before);
  });
});

describe("payments: refund", () => {
  let paymentId: string;
  beforeAll(async () => {
    const created = await api(server, merchant.apiKey).post("/payments", {
      customer_id: customerId,
      status: "succeeded",
      currency: "usd",
      items: [{ description: "Pro plan", quantity: 1, unit_amount: 5000 }],
    });
    expect(created.status).toBe(201);
    paymentId = created.body.id;
  });

  it("refunds part, in major units, with a reason; the API sees it; the audit log names the staff member", async () => {
    const res = await post(page("/payments"), { intent: "refund", payment_id: paymentId, amount: "12.50", reason: "Goodwill" }, { cookie });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/dashboard/customers/${customerId}/payments?notice=refunded`);
    const p = (await api(server, merchant.apiKey).get(`/payments/${paymentId}`)).body;
    expect(p).toMatchObject({ amount_refunded: 1250, status: "partially_refunded" });
    expect(auditRows("refund.created").at(-1)).toMatchObject({ actor_type: "staff", actor_id: owner.id });
  });

  it("more than the remainder is the domain's error inline; malformed amounts are refused; nothing changes", async () => {
    const before = snapshot();
    const over = await post(page("/payments"), { intent: "refund", payment_id: paymentId, amount: "37.51", reason: "" }, { cookie });
    expect(over.status).toBe(400);
    expect(testIdText(over.text, "error-amount")).toBe("That is more than is left to refund on this payment.");
    for (const amount of ["-1", "1.234", "abc", "0"]) {
      const bad = await post(page("/payments"), { intent: "refund", payment_id: paymentId, amount }, { cookie });
      expect(bad.status, amount).toBe(400);
      expect(bad.text).toContain('data-testid="error-amount"');
    }
    const foreign = await post(page("/payments"), { intent: "refund", payment_id: "pay_doesnotexist000000000", amount: "1" }, { cookie });
    expect(foreign.status).toBe(404);
    expect(snapshot()).toBe(before);
  });

  it("needs a recent password: past 10 minutes the form asks for it, changes nothing, then runs with it", async () => {
    await setClock(server, 11 * 60_000);
    try {
      const before = snapshot();
      const asked = await post(page("/payments"), { intent: "refund", payment_id: paymentId, amount: "", reason: "Rest" }, { cookie });
      expect(asked.status).toBe(401);
      expect(asked.text).toContain('data-testid="sudo-form"');
      expect(snapshot()).toBe(before);
      const done = await post(page("/payments"), { intent: "refund", payment_id: paymentId, amount: "", reason: "Rest", sudo_password: owner.password }, { cookie });
      expect(done.status).toBe(303);
      expect((await api(server, merchant.apiKey).get(`/payments/${paymentId}`)).body).toMatchObject({ amount_refunded: 5000, status: "refunded" });
    } finally {
      await setClock(server, 0);
    }
  });
});

describe("subscriptions", () => {
  let subscriptionId: string;
  let productId: string;
  beforeAll(async () => {
    productId = (await api(server, merchant.apiKey).post("/products", { name: "Team", type: "subscription", price: 900, currency: "usd", interval: "month" })).body.id;
    subscriptionId = (await api(server, merchant.apiKey).post("/subscriptions", { customer_id: customerId, product_id: productId })).body.id;
  });

  it("cancel at period end, resume, cancel now: the API's rules and webhook events, with the staff member as actor", async () => {
    const scheduled = await post(page("/subscriptions"), { intent: "cancel", subscription_id: subscriptionId, when: "period_end", reason: "too_expensive", feedback: "" }, { cookie });
    expect(scheduled.status).toBe(303);
    expect(scheduled.location).toContain("notice=cancellation_scheduled");
    expect((await api(server, merchant.apiKey).get(`/subscriptions/${subscriptionId}`)).body).toMatchObject({ cancel_at_period_end: true, cancel_reason: "too_expensive" });
    expect(lastEvent("subscription.cancellation_scheduled")?.actor).toEqual({ type: "staff", staff_user_id: owner.id });

    const resumed = await post(page("/subscriptions"), { intent: "resume", subscription_id: subscriptionId }, { cookie });
    expect(resumed.location).toContain("notice=subscription_resumed");
    expect(lastEvent("subscription.resumed")?.actor).toEqual({ type: "staff", staff_user_id: owner.id });

    const now = await post(page("/subscriptions"), { intent: "cancel", subscription_id: subscriptionId, when: "now", reason: "" }, { cookie });
    expect(now.location).toContain("notice=subscription_cancelled");
    expect((await api(server, merchant.apiKey).get(`/subscriptions/${subscriptionId}`)).body.status).toBe("cancelled");
  });

  it("cancelling a cancelled subscription is the domain's error inline, and nothing changes", async () => {
    const before = snapshot();
    const res = await post(page("/subscriptions"), { intent: "cancel", subscription_id: subscriptionId, when: "now" }, { cookie });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, `subscription-error-${subscriptionId}`)).toBe("This subscription is already cancelled.");
    expect(snapshot()).toBe(before);
  });

  it("attach product creates a subscription through the API's function; a bad quantity is inline", async () => {
    const bad = await post(page("/subscriptions"), { intent: "attach", product_id: productId, quantity: "0" }, { cookie });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="error-quantity"');
    const res = await post(page("/subscriptions"), { intent: "attach", product_id: productId, quantity: "2" }, { cookie });
    expect(res.location).toContain("notice=subscription_created");
    const list = (await api(server, merchant.apiKey).get(`/subscriptions?customer_id=${customerId}&status=active`)).body.data;
    expect(list).toEqual([expect.objectContaining({ product_id: productId, quantity: 2 })]);
  });
});

describe("license keys", () => {
  let keyId: string;
  let instanceId: string;
  beforeAll(async () => {
    const created = await api(server, merchant.apiKey).post("/license-keys", { customer_id: customerId, activations_limit: 2 });
    keyId = created.body.id;
    instanceId = (await api(server, merchant.apiKey).post("/licenses/activate", { license_key: created.body.key, name: "Laptop" })).body.id;
  });

  it("disable and enable, change the limit and expiry, deactivate an instance", async () => {
    expect((await post(page("/license-keys"), { intent: "disable", license_key_id: keyId }, { cookie })).status).toBe(303);
    expect((await api(server, merchant.apiKey).get(`/license-keys/${keyId}`)).body.status).toBe("disabled");
    expect((await post(page("/license-keys"), { intent: "enable", license_key_id: keyId }, { cookie })).status).toBe(303);
    const limits = await post(page("/license-keys"), { intent: "limits", license_key_id: keyId, activations_limit: "5", expires_at: "2099-01-31" }, { cookie });
    expect(limits.status).toBe(303);
    expect((await api(server, merchant.apiKey).get(`/license-keys/${keyId}`)).body).toMatchObject({ status: "active", activations_limit: 5, expires_at: "2099-01-31T00:00:00.000Z" });
    const deactivated = await post(page("/license-keys"), { intent: "deactivate", license_key_id: keyId, instance_id: instanceId }, { cookie });
    expect(deactivated.location).toContain("notice=instance_deactivated");
    expect(lastEvent("license_key.instance_deactivated")?.actor).toEqual({ type: "staff", staff_user_id: owner.id });
  });

  it("a bad limit is inline and nothing changes", async () => {
    const before = snapshot();
    const res = await post(page("/license-keys"), { intent: "limits", license_key_id: keyId, activations_limit: "many", expires_at: "" }, { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-activations_limit"');
    expect(snapshot()).toBe(before);
  });
});

describe("wallet", () => {
  it("a credit posted twice with the form's idempotency key books one entry", async () => {
    const fields = { entry_type: "credit", currency: "krw", amount: "5000", reason: "Apology", idempotency_key: "dash_test-double-submit" };
    expect((await post(page("/wallet"), fields, { cookie })).status).toBe(303);
    expect((await post(page("/wallet"), fields, { cookie })).status).toBe(303);
    const wallets = (await api(server, merchant.apiKey).get(`/customers/${customerId}/wallets`)).body.data;
    expect(wallets).toEqual([expect.objectContaining({ currency: "KRW", balance: 5000 })]);
    expect(queryDb(server.dbFile, "select id from wallet_ledger_entries where customer_id = ?", customerId)).toHaveLength(1);
    expect(auditRows("wallet.credit")).toHaveLength(1);
  });

  it("the page renders a fresh key into the form", async () => {
    const res = await get(page("/wallet"), cookie);
    expect(res.text).toMatch(/name="idempotency_key" value="dash_[0-9a-f-]{36}"/);
  });

  it("a debit past the balance is the domain's error inline and nothing changes", async () => {
    const before = snapshot();
    const res = await post(page("/wallet"), { entry_type: "debit", currency: "KRW", amount: "5001", reason: "", idempotency_key: "dash_test-overdraw" }, { cookie });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, "error-amount")).toBe("The wallet does not hold that much: a debit cannot make it negative.");
    const badCurrency = await post(page("/wallet"), { entry_type: "credit", currency: "XYZ", amount: "1", idempotency_key: "dash_test-currency" }, { cookie });
    expect(badCurrency.status).toBe(400);
    expect(badCurrency.text).toContain('data-testid="error-currency"');
    expect(snapshot()).toBe(before);
  });
});

describe("invite and portal link", () => {
  it("invite emails an emailed-kind link with a code, confirms, and fires portal_session.created with the staff actor", async () => {
    const res = await post(url(`/dashboard/customers/${customerId}/invite`), { redirect_to: `/dashboard/customers/${customerId}` }, { cookie });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/dashboard/customers/${customerId}?notice=customer_invited`);
    const mail = await smtp.waitFor((m) => m.to.includes("minji@example.com"));
    expect(mail.text).toMatch(/\/portal\/session\/[\w.-]+/);
    const row = queryDb<{ kind: string }>(server.dbFile, "select kind from portal_sessions where customer_id = ? order by created_at desc limit 1", customerId)[0];
    expect(row.kind).toBe("email");
    expect(lastEvent("portal_session.created")?.actor).toEqual({ type: "staff", staff_user_id: owner.id });
  });

  it("invites are rate-limited per customer (429 with Retry-After), and GET changes nothing", async () => {
    const get303 = await get(url(`/dashboard/customers/${customerId}/invite`), cookie);
    expect(get303.status).toBe(303);
    let last = 0;
    for (let i = 0; i < 4 && last !== 429; i++) last = (await post(url(`/dashboard/customers/${customerId}/invite`), {}, { cookie })).status;
    expect(last).toBe(429);
  });

  it("copy portal link mints a redirect-kind link shown once", async () => {
    const res = await post(page(), { intent: "portal_link" }, { cookie });
    expect(res.status).toBe(201);
    const link = testIdText(res.text, "portal-link-secret");
    expect(link).toMatch(/^http:\/\/[^/]+\/portal\/session\/[\w.-]+$/);
    const again = await get(page(), cookie);
    expect(again.text).not.toContain(link!);
  });
});

describe("activity", () => {
  it("one timeline: staff changes, API changes, links sent, webhook events", async () => {
    const res = await get(page("/activity"), cookie);
    expect(res.status).toBe(200);
    const kinds = new Set([...res.text.matchAll(/data-testid="activity-entry" data-kind="([a-z_]+)" data-action="([^"]*)"/g)].map((m) => `${m[1]}:${m[2]}`));
    expect(kinds).toContain("audit:customer.updated");
    expect(kinds).toContain("audit:refund.created");
    expect(kinds).toContain("audit:wallet.credit");
    expect(kinds).toContain("link:email:api");
    expect(kinds).toContain("webhook:subscription.resumed");
  });
});

describe("usage", () => {
  // Dates as the dashboard writes them (UTC, the staff member's language).
  const shown = (d: Date, locale: string) => `${new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(d)} UTC`;
  const putEntitlement = (feature: string, body: Record<string, unknown>, key = merchant.apiKey, id = customerId) =>
    send(url(`/api/v1/customers/${id}/entitlements/${feature}`), { method: "PUT", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const usage = (feature: string, quantity: number) => api(server, merchant.apiKey).post(`/customers/${customerId}/usage`, { feature, quantity });
  let periodStart: Date;
  let periodEnd: Date;

  beforeAll(async () => {
    // The clock stands still so the current period cannot roll over between the API's answers
    // and the page: a monthly entitlement anchored on the 1st of this month, 00:00 UTC.
    const at = await server.freezeClock();
    const today = new Date(at);
    periodStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1));
    periodEnd = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1));
  });
  afterAll(async () => {
    await setClock(server, 0);
  });

  it("a customer without entitlements sees an empty state, and the tab is in the customer's navigation", async () => {
    const res = await get(page("/usage"), cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="tab-panel-usage"');
    expect(res.text).toContain('data-testid="tab-usage"');
    expect(res.text).toContain('<p class="muted">No entitlements yet. They are set with PUT /api/v1/customers/{id}/entitlements/{feature}.</p>');
    expect(res.text).not.toContain('role="meter"');
  });

  it("shows the API's figures as meters after POST /customers/{id}/usage: used of limit, period start and end, interval; unlimited and switched-off features in words", async () => {
    for (const [feature, body] of [
      ["api.calls", { name: "API calls", limit: 10_000, unit: "calls", reset_interval: "month", reset_anchor: periodStart.toISOString() }],
      ["seats", { name: "Team seats", limit: 5, unit: "seats" }],
      ["storage", { name: "Storage", limit: null, unit: "GB", reset_interval: "month", reset_anchor: periodStart.toISOString() }],
      ["sso", { name: "Single sign-on", limit: 0 }],
    ] as const) {
      expect((await putEntitlement(feature, body)).status, feature).toBe(200);
    }
    for (const [feature, quantity] of [["api.calls", 6000], ["api.calls", 420], ["seats", 5], ["storage", 12]] as const) {
      expect((await usage(feature, quantity)).status).toBe(201);
    }
    const res = await get(page("/usage"), cookie);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("No entitlements yet.");

    // The figures the API reports, on the page.
    const listed = (await api(server, merchant.apiKey).get(`/customers/${customerId}/entitlements`)).body.data as { feature: string; used: number; limit: number | null; resets_at: string | null }[];
    expect(listed.map((e) => [e.feature, e.used, e.limit])).toEqual([["api.calls", 6420, 10000], ["seats", 5, 5], ["sso", 0, 0], ["storage", 12, null]]);
    expect(listed[0].resets_at).toBe(periodEnd.toISOString());

    expect(testIdText(res.text, "usage-amounts-api.calls")).toBe("6,420 of 10,000 calls used");
    const meter = /<div[^>]*role="meter"[^>]*data-testid="meter-api.calls"[^>]*>/.exec(res.text)?.[0] ?? "";
    expect(meter).toContain('aria-valuenow="6420"');
    expect(meter).toContain('aria-valuemax="10000"');
    expect(meter).toContain('aria-valuemin="0"');
    expect(testIdText(res.text, "usage-period-api.calls")).toBe(`Resets monthly · Current period ${shown(periodStart, "en")} – ${shown(periodEnd, "en")}`);

    // At the limit: said in words; no reset: one period that has always run.
    expect(res.text).toMatch(/data-testid="usage-seats" data-reached="true"/);
    expect(testIdText(res.text, "usage-amounts-seats")).toBe("5 of 5 seats used");
    expect(res.text).toMatch(/data-testid="usage-seats"[\s\S]*?Limit reached/);
    expect(testIdText(res.text, "usage-period-seats")).toBe("Does not reset: all usage counts");

    // Unlimited: a count, not a meter. A limit of 0 with nothing used: a switched-off feature.
    expect(testIdText(res.text, "usage-amounts-storage")).toBe("12 GB used (unlimited)");
    expect(res.text).not.toContain('data-testid="meter-storage"');
    expect(testIdText(res.text, "usage-amounts-sso")).toBe("Not included");
    expect(res.text).toMatch(/data-testid="usage-sso"[^>]*data-off="true"/);
    expect(res.text).not.toContain('data-testid="meter-sso"');
    expect(res.text.match(/role="meter"/g)).toHaveLength(2);
  });

  it("in Korean", async () => {
    const res = await get(page("/usage"), cookie, { "Accept-Language": "ko-KR,ko;q=0.9" });
    expect(res.status).toBe(200);
    expect(testIdText(res.text, "tab-usage")).toBe("사용량");
    expect(testIdText(res.text, "usage-amounts-api.calls")).toBe("10,000 calls 중 6,420 calls 사용");
    expect(testIdText(res.text, "usage-period-api.calls")).toBe(`매월 초기화 · 현재 기간 ${shown(periodStart, "ko")} – ${shown(periodEnd, "ko")}`);
    expect(testIdText(res.text, "usage-period-seats")).toBe("초기화되지 않음: 모든 사용량 집계");
    expect(testIdText(res.text, "usage-amounts-storage")).toBe("12 GB 사용 (무제한)");
    expect(testIdText(res.text, "usage-amounts-sso")).toBe("포함되지 않음");
    expect(res.text).toContain("한도 도달");
  });

  it("is shown to staff even when the portal's usage page is switched off, and says so", async () => {
    expect(testIdText((await get(page("/usage"), cookie)).text, "usage-hidden-in-portal")).toBeNull();
    expect((await api(server, merchant.apiKey).patch("/portal-settings", { features: { usage: { enabled: false } } })).status).toBe(200);
    try {
      const res = await get(page("/usage"), cookie);
      expect(res.status).toBe(200);
      expect(testIdText(res.text, "usage-hidden-in-portal")).toBe("The portal's usage page is switched off, so the customer does not see these figures.");
      expect(testIdText(res.text, "usage-amounts-api.calls")).toBe("6,420 of 10,000 calls used");
    } finally {
      expect((await api(server, merchant.apiKey).patch("/portal-settings", { features: { usage: { enabled: true } } })).status).toBe(200);
    }
  });

  it("another merchant's customer (with entitlements of its own) and a missing one are 404", async () => {
    expect((await putEntitlement("api.calls", { limit: 10 }, other.apiKey, otherCustomerId)).status).toBe(200);
    for (const id of [otherCustomerId, "cus_doesnotexist00000000"]) {
      const res = await get(url(`/dashboard/customers/${id}/usage`), cookie);
      expect(res.status, id).toBe(404);
      expect(res.text).toContain('data-testid="dash-error" data-status="404"');
      expect(res.text).not.toContain('data-testid="usage-api.calls"');
    }
  });

  it("every role reads it (each has customers:read: no role to refuse); without a session it is the sign-in redirect", async () => {
    const viewer = createStaff(server, { merchant: merchant.slug, email: "usage-viewer@customer-shop.example", role: "viewer" });
    const res = await get(page("/usage"), (await signIn(server, viewer.email, viewer.password)).cookie);
    expect(res.status).toBe(200);
    expect(testIdText(res.text, "usage-amounts-api.calls")).toBe("6,420 of 10,000 calls used");
    const anonymous = await get(page("/usage"));
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe(`/dashboard/sign-in?redirect_to=${encodeURIComponent(`/dashboard/customers/${customerId}/usage`)}`);
  });
});

describe("view portal as customer", () => {
  it("opens the real portal read-only with a banner, refuses every portal action, is audited, and ends with the staff session", async () => {
    const staff = (await signIn(server, owner.email, owner.password)).cookie;
    const res = await post(page("/view-as"), {}, { cookie: staff });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal");
    const portalCookie = res.setCookie.find((c) => c.startsWith("portico_session="))?.split(";")[0];
    expect(portalCookie).toBeTruthy();
    const portal = await get(url("/portal"), portalCookie);
    expect(portal.status).toBe(200);
    expect(testIdText(portal.text, "view-as-banner")).toMatch(/^Viewing as 김민지 \(Minji\) — read only$/);
    expect(auditRows("customer.viewed_as").at(-1)).toMatchObject({ actor_type: "staff", actor_id: owner.id, object_id: customerId });

    const before = snapshot();
    for (const [path, fields] of [
      ["/portal/profile", { name: "Hijacked" }],
      ["/portal/locale", { locale: "ko" }],
      ["/portal/subscriptions", { intent: "resume", subscription_id: "sub_x" }],
    ] as const) {
      const refused = await post(url(path), fields, { cookie: portalCookie });
      expect(refused.status, path).toBe(403);
    }
    expect(snapshot()).toBe(before);

    // A portal cookie opens no dashboard page; signing out of the dashboard ends the view.
    expect((await get(url("/dashboard"), portalCookie)).status).toBe(303);
    expect((await post(url("/dashboard/sign-out"), {}, { cookie: staff })).status).toBe(303);
    expect((await get(url("/portal"), portalCookie)).status).toBe(401);
  });

  it("a role without customers:write cannot open it", async () => {
    const viewer = createStaff(server, { merchant: merchant.slug, email: "viewer@customer-shop.example", role: "viewer" });
    const viewerCookie = (await signIn(server, viewer.email, viewer.password)).cookie;
    const before = snapshot();
    const res = await post(page("/view-as"), {}, { cookie: viewerCookie });
    expect(res.status).toBe(403);
    expect(res.setCookie.some((c) => c.startsWith("portico_session="))).toBe(false);
    expect(snapshot()).toBe(before);
  });
});

describe("new customer", () => {
  it("the no-JavaScript page validates with the API's schema inline, then creates and opens the customer", async () => {
    expect((await get(url("/dashboard/customers/new"), cookie)).text).toContain('data-testid="page-new-customer"');
    const before = snapshot();
    const bad = await post(url("/dashboard/customers/new"), { email: "nope", name: "x".repeat(201), phone_number: "" }, { cookie });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="error-email"');
    expect(bad.text).toContain('data-testid="error-name"');
    expect(snapshot()).toBe(before);
    const taken = await post(url("/dashboard/customers/new"), { email: "MINJI@example.com" }, { cookie });
    expect(taken.status).toBe(400);
    expect(testIdText(taken.text, "error-email")).toBe("Another customer already has this value.");
    const res = await post(url("/dashboard/customers/new"), { email: "haruto@example.jp", name: "佐藤 陽翔", country: "jp", line1: "1-1 Chiyoda", city: "Tokyo" }, { cookie });
    expect(res.status).toBe(303);
    const id = /\/dashboard\/customers\/(cus_\w+)\?notice=customer_created/.exec(res.location ?? "")?.[1];
    expect(id).toBeTruthy();
    expect((await api(server, merchant.apiKey).get(`/customers/${id}`)).body).toMatchObject({ email: "haruto@example.jp", name: "佐藤 陽翔", billing_address: { country: "JP" } });
    expect(auditRows("customer.created").at(-1)).toMatchObject({ actor_type: "staff", actor_id: owner.id, object_id: id });
  });
});

describe("delete", () => {
  it("needs the email typed exactly, then deletes with the API's semantics", async () => {
    const before = snapshot();
    const wrong = await post(page(), { intent: "delete", confirm_email: "someone@example.com" }, { cookie });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('data-testid="error-confirm_email"');
    expect(snapshot()).toBe(before);
    const res = await post(page(), { intent: "delete", confirm_email: "MINJI@example.com" }, { cookie });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard/customers?notice=customer_deleted");
    expect((await api(server, merchant.apiKey).get(`/customers/${customerId}`)).status).toBe(404);
    expect(auditRows("customer.deleted").at(-1)).toMatchObject({ actor_type: "staff", actor_id: owner.id });
    expect((await get(page(), cookie)).status).toBe(404);
  });
});
