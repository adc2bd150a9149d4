import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import { startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";
import { portalSettingsDefaults, startWithTwoMerchants } from "./merchant-helpers";
import { h1, postForm, readDb, request, sessionCookie } from "./portal-helpers";

let smtp: SmtpCapture;
let server: TestServer;
let api: ApiClient;
let otherApi: ApiClient;
let customerId: string;
let otherCustomerId: string;
let foreignCustomerId: string;
let productId: string;

type Res = Awaited<ReturnType<typeof request>>;

async function signIn(forCustomer = customerId, body: Record<string, unknown> = {}, client = api) {
  const ps = await client.post(`/customers/${forCustomer}/portal-sessions`, body);
  expect(ps.status).toBe(201);
  const res = await request(ps.body.url);
  expect(res.status).toBe(303);
  return sessionCookie(res)!;
}

const page = (path: string, cookie?: string, headers: Record<string, string> = {}) => request(`${server.url}${path}`, { cookie, headers });
const post = (path: string, fields: Record<string, string>, cookie: string, opts: { site?: string } = {}) =>
  postForm(`${server.url}${path}`, fields, { cookie, ...opts });
const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
const testIds = (html: string, prefix: string) => [...html.matchAll(new RegExp(`data-testid="${prefix}-([A-Za-z0-9_]+)"`, "g"))].map((m) => m[1]);

async function subscribe(forCustomer = customerId, client = api, product = productId) {
  const res = await client.post("/subscriptions", { customer_id: forCustomer, product_id: product });
  expect(res.status).toBe(201);
  return res.body as { id: string; current_period_end: string };
}

const subRow = (id: string) =>
  readDb<{ status: string; cancel_at_period_end: number; cancel_reason: string | null; cancel_feedback: string | null }>(
    server.dbFile,
    "select status, cancel_at_period_end, cancel_reason, cancel_feedback from subscriptions where id = ?",
    id,
  )[0];
const eventCount = (type: string, objectId: string) =>
  readDb<{ n: number }>(server.dbFile, "select count(*) n from webhook_events where type = ? and json_extract(payload, '$.data.object.id') = ?", type, objectId)[0]?.n;
const customerRow = (id: string) =>
  readDb<{ email: string; name: string | null; phone_number: string | null; tax_id: string | null; billing_address: string | null }>(
    server.dbFile,
    "select email, name, phone_number, tax_id, billing_address from customers where id = ?",
    id,
  )[0];
const setSettings = async (features: Record<string, unknown>) => expect((await api.patch("/portal-settings", { features })).status).toBe(200);
const DEFAULTS = portalSettingsDefaults("Acme").features;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  ({ server, api, otherApi } = await startWithTwoMerchants({ env: { SMTP_URL: smtp.url, MAIL_FROM: "Acme Billing <billing@acme.example>", RATE_LIMIT_SCALE: "100" } }));
  customerId = (await api.post("/customers", { email: "minji@example.com", name: "김민지" })).body.id;
  otherCustomerId = (await api.post("/customers", { email: "taro@example.com", name: "山田太郎" })).body.id;
  foreignCustomerId = (await otherApi.post("/customers", { email: "minji@example.com", name: "Globex Minji" })).body.id;
  productId = (await api.post("/products", { name: "Pro plan", type: "subscription", price: 1500, currency: "usd", interval: "month" })).body.id;
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe("signed out", () => {
  it.each(["/portal", "/portal/billing", "/portal/subscriptions", "/portal/licenses", "/portal/wallet", "/portal/usage", "/portal/profile"])("%s → 401, no data", async (path) => {
    const res = await page(path);
    expect(res.status).toBe(401);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(h1(res.text)).toBe("You are signed out");
  });

  it("a post without a session → 401 and nothing changed", async () => {
    const sub = await subscribe();
    const res = await postForm(`${server.url}/portal/subscriptions/${sub.id}/cancel`, { when: "at_period_end" });
    expect(res.status).toBe(401);
    expect(subRow(sub.id).cancel_at_period_end).toBe(0);
  });
});

describe("pages with data made through the API", () => {
  let cookie: string;
  let paid: { id: string; invoice_number: string };
  let refunded: { id: string };
  let failed: { id: string };
  let subscriptionId: string;
  let licenseId: string;

  beforeAll(async () => {
    subscriptionId = (await subscribe()).id;
    paid = (
      await api.post("/payments", {
        customer_id: customerId,
        status: "succeeded",
        currency: "usd",
        items: [{ description: "Pro plan (monthly)", quantity: 1, unit_amount: 1500 }],
        payment_method: { type: "card", brand: "visa", last4: "4242" },
      })
    ).body;
    refunded = (
      await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "krw", items: [{ description: "Add-on", quantity: 2, unit_amount: 5000 }], payment_method: { type: "wallet" } })
    ).body;
    expect((await api.post(`/payments/${refunded.id}/refunds`, { amount: 3000 })).status).toBe(201);
    failed = (await api.post("/payments", { customer_id: customerId, status: "failed", currency: "usd", items: [{ description: "Retry", quantity: 1, unit_amount: 100 }] })).body;
    await api.post("/payments", { customer_id: otherCustomerId, status: "succeeded", currency: "usd", items: [{ description: "Not Minji's", quantity: 1, unit_amount: 999 }] });
    const key = (await api.post("/license-keys", { customer_id: customerId, product_id: productId, activations_limit: 3 })).body;
    licenseId = key.id;
    const act = await fetch(`${server.url}/api/v1/licenses/activate`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ license_key: key.key, name: "Minji's laptop" }) });
    expect(act.status).toBe(201);
    await api.post(`/customers/${customerId}/wallets/ledger-entries`, { currency: "usd", amount: 2500, entry_type: "credit", reason: "Welcome credit" });
    await api.post(`/customers/${customerId}/wallets/ledger-entries`, { currency: "usd", amount: 500, entry_type: "debit", reason: "Applied to invoice" });
    cookie = await signIn(customerId, { return_url: "https://acme.example/account" });
  });

  it("layout: branding, customer, enabled navigation, back link, sign-out, language switcher", async () => {
    const res = await page("/portal", cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const html = text(res.text);
    expect(html).toContain("김민지");
    expect(html).toContain("minji@example.com");
    expect(html).toContain('href="https://acme.example/account"');
    expect(html).toContain("Back to Acme");
    expect(testIds(html, "nav")).toEqual(["overview", "subscriptions", "billing", "licenses", "wallet", "usage", "profile"]);
    expect(html).toContain('data-testid="language-switcher"');
    expect(html).toMatch(/<main[^>]*class="portal-main"/);
    expect(html).toMatch(/<nav[^>]*aria-label="Billing portal sections"/);
  });

  it("overview: active subscription with next renewal, wallet balance, latest payments", async () => {
    const html = text((await page("/portal", cookie)).text);
    expect(html).toContain(`data-testid="overview-subscription-${subscriptionId}"`);
    expect(html).toContain("$15.00 per month");
    expect(html).toMatch(/Renews on /);
    expect(html).toContain("$20.00");
    expect(testIds(html, "payment").filter((id) => id.startsWith("pay_"))).toEqual([failed.id, refunded.id, paid.id]);
  });

  it("billing history: newest first, amount, method, status, refunds, invoice links only where invoiced", async () => {
    const html = text((await page("/portal/billing", cookie)).text);
    expect(testIds(html, "payment").filter((id) => id.startsWith("pay_"))).toEqual([failed.id, refunded.id, paid.id]);
    expect(html).not.toContain("Not Minji's");
    expect(html).toContain("Visa ending in 4242");
    expect(html).toContain("₩10,000");
    expect(html).toContain("₩3,000 refunded");
    expect(html).toContain('data-status="partially_refunded"');
    expect(html).toContain(`href="/portal/invoices/${paid.id}"`);
    expect(html).toContain(`href="/portal/invoices/${refunded.id}"`);
    expect(html).not.toContain(`href="/portal/invoices/${failed.id}"`);
  });

  it("billing history pages with a cursor; a foreign cursor is a 404", async () => {
    for (let i = 0; i < 21; i++) {
      await api.post("/payments", { customer_id: customerId, status: "pending", currency: "usd", items: [{ description: `Bulk ${i}`, quantity: 1, unit_amount: 100 }] });
    }
    const first = text((await page("/portal/billing", cookie)).text);
    const firstIds = testIds(first, "payment").filter((id) => id.startsWith("pay_"));
    expect(firstIds).toHaveLength(20);
    const older = /href="\/portal\/billing\?starting_after=(pay_[A-Za-z0-9]+)"/.exec(first)![1];
    expect(older).toBe(firstIds[19]);
    const second = text((await page(`/portal/billing?starting_after=${older}`, cookie)).text);
    const secondIds = testIds(second, "payment").filter((id) => id.startsWith("pay_"));
    expect(secondIds.slice(-3)).toEqual([failed.id, refunded.id, paid.id]);
    expect(secondIds.some((id) => firstIds.includes(id))).toBe(false);
    const theirs = readDb<{ id: string }>(server.dbFile, "select id from payments where customer_id = ?", otherCustomerId)[0].id;
    expect((await page(`/portal/billing?starting_after=${theirs}`, cookie)).status).toBe(404);
  });

  it("subscriptions: plan, price and interval, period, next renewal", async () => {
    const html = text((await page("/portal/subscriptions", cookie)).text);
    expect(html).toContain(`data-testid="subscription-${subscriptionId}"`);
    expect(html).toContain("Pro plan");
    expect(html).toContain("$15.00 per month");
    expect(html).toContain("Next renewal");
    expect(html).toContain(`data-testid="cancel-${subscriptionId}"`);
  });

  it("licenses: masked key, reveal by GET, product, activations, instances with deactivate", async () => {
    const key = readDb<{ key: string }>(server.dbFile, "select key from license_keys where id = ?", licenseId)[0].key;
    const masked = text((await page("/portal/licenses", cookie)).text);
    expect(masked).toContain(`data-testid="license-${licenseId}"`);
    expect(masked).not.toContain(key);
    expect(masked).toContain(key.slice(-5));
    expect(masked).toContain("1 of 3 used");
    expect(masked).toContain("Minji's laptop");
    expect(masked).toContain("Pro plan");
    expect(masked).toMatch(/data-testid="deactivate-lki_/);
    const revealed = await page(`/portal/licenses?reveal=${licenseId}`, cookie);
    expect(text(revealed.text)).toContain(key);
    expect(revealed.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("wallet: balance per currency and the ledger with balance after", async () => {
    const html = text((await page("/portal/wallet", cookie)).text);
    expect(html).toContain('data-testid="wallet-balance-USD"');
    expect(html).toContain("$20.00");
    expect(html).toContain("Welcome credit");
    expect(html).toContain("Applied to invoice");
    expect(html).toContain("$25.00");
    expect(testIds(html, "ledger")).toHaveLength(2);
  });

  it("profile: the customer's details in a form", async () => {
    const html = text((await page("/portal/profile", cookie)).text);
    expect(html).toContain('name="name"');
    expect(html).toContain('value="김민지"');
    expect(html).toContain('name="phone"');
    expect(html).toContain('name="email"');
    expect(html).toMatch(/<label for="profile-phone">Phone number<\/label>/);
  });

  it("Korean UI when the session's locale is ko, and money in Korean", async () => {
    const ko = await signIn(customerId, { locale: "ko" });
    const html = text((await page("/portal/billing", ko)).text);
    expect(html).toContain('lang="ko"');
    expect(h1(html)).toBe("결제 내역");
    expect(html).toContain("대기 중");
    expect(html).toContain("로그아웃");
    expect(html).toContain("US$1.00");
    expect(h1(text((await page("/portal/subscriptions", ko)).text))).toBe("구독");
    expect(text((await page("/portal", ko)).text)).toContain("김민지님, 안녕하세요");
  });

  it("Accept-Language picks Korean when the session names no locale", async () => {
    const html = text((await page("/portal/wallet", cookie, { "Accept-Language": "ko-KR,ko;q=0.9" })).text);
    expect(h1(html)).toBe("지갑");
  });

  it("the language switcher posts, stores ko in the session and redirects back; GET changes nothing", async () => {
    const fresh = await signIn();
    expect((await page("/portal/locale", fresh)).status).toBe(303);
    expect(h1(text((await page("/portal/wallet", fresh)).text))).toBe("Wallet");
    const res = await post("/portal/locale", { locale: "ko", redirect_to: "/portal/wallet" }, fresh);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal/wallet");
    expect(h1(text((await page("/portal/wallet", fresh)).text))).toBe("지갑");
    const evil = await post("/portal/locale", { locale: "en", redirect_to: "//evil.example/x" }, fresh);
    expect(evil.location).toBe("/portal");
  });
});

describe("cancel and resume", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signIn();
  });

  it("confirm page: reason list and feedback when ask_reason; the fixed mode as a hidden field", async () => {
    const sub = await subscribe();
    const html = text((await page(`/portal/subscriptions/${sub.id}/cancel`, cookie)).text);
    expect(html).toContain('name="reason"');
    for (const reason of ["too_expensive", "missing_features", "switched_service", "unused", "customer_service", "too_complex", "low_quality", "other"]) {
      expect(html).toContain(`value="${reason}"`);
    }
    expect(html).toContain('name="feedback"');
    expect(html).toContain('type="hidden" name="when" value="at_period_end"');
    expect(html).not.toContain('type="radio"');
  });

  it("at period end, with reason and feedback, without JavaScript; one mail; resume; double submit cancels once", async () => {
    const sub = await subscribe();
    const fields = { when: "at_period_end", reason: "too_expensive", feedback: "Cheaper elsewhere" };
    const [a, b] = await Promise.all([post(`/portal/subscriptions/${sub.id}/cancel`, fields, cookie), post(`/portal/subscriptions/${sub.id}/cancel`, fields, cookie)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect([a.location, b.location].sort()).toEqual(["/portal/subscriptions?notice=cancellation_scheduled", "/portal/subscriptions?notice=unchanged"]);
    expect(subRow(sub.id)).toEqual({ status: "active", cancel_at_period_end: 1, cancel_reason: "too_expensive", cancel_feedback: "Cheaper elsewhere" });
    expect(eventCount("subscription.cancellation_scheduled", sub.id)).toBe(1);
    const mail = await smtp.waitFor((m) => m.to.includes("minji@example.com") && m.subject === "Your Acme subscription was cancelled");
    expect(mail.text).toContain("Pro plan");
    expect(mail.text).toContain(`${server.url}/p/acme`);
    expect(mail.text).not.toContain("/portal/session/");
    const event = readDb<{ data: string }>(server.dbFile, "select payload as data from webhook_events where type = 'subscription.cancellation_scheduled' and json_extract(payload, '$.data.object.id') = ?", sub.id)[0];
    expect(JSON.parse(event.data).actor).toMatchObject({ type: "customer", customer_id: customerId });

    const list = text((await page("/portal/subscriptions?notice=cancellation_scheduled", cookie)).text);
    expect(list).toContain('data-testid="cancel-pending"');
    expect(list).toContain(`data-testid="resume-${sub.id}"`);
    expect(list).toContain('data-notice="cancellation_scheduled"');

    const resumed = await post("/portal/subscriptions", { intent: "resume", id: sub.id }, cookie);
    expect(resumed.status).toBe(303);
    expect(resumed.location).toBe("/portal/subscriptions?notice=resumed");
    expect(subRow(sub.id)).toMatchObject({ status: "active", cancel_at_period_end: 0 });
    expect(eventCount("subscription.resumed", sub.id)).toBe(1);
  });

  it("immediately, when the merchant says so; an at-period-end post by hand → 403", async () => {
    await setSettings({ subscription_cancel: { mode: "immediately", ask_reason: false } });
    try {
      const sub = await subscribe();
      const refused = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "at_period_end" }, cookie);
      expect(refused.status).toBe(403);
      expect(subRow(sub.id).cancel_at_period_end).toBe(0);
      const res = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "immediately", reason: "other", feedback: "ignored" }, cookie);
      expect(res.location).toBe("/portal/subscriptions?notice=cancelled");
      expect(subRow(sub.id)).toEqual({ status: "cancelled", cancel_at_period_end: 0, cancel_reason: null, cancel_feedback: null });
      expect(eventCount("subscription.cancelled", sub.id)).toBe(1);
      const again = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "immediately" }, cookie);
      expect(again.location).toBe("/portal/subscriptions?notice=unchanged");
      expect(eventCount("subscription.cancelled", sub.id)).toBe(1);
    } finally {
      await setSettings(DEFAULTS);
    }
  });

  it("customer's choice: radio buttons, either mode accepted, none chosen → inline error", async () => {
    await setSettings({ subscription_cancel: { mode: "customer_choice" } });
    try {
      const a = await subscribe();
      const html = text((await page(`/portal/subscriptions/${a.id}/cancel`, cookie)).text);
      expect(html).toMatch(/type="radio" name="when"[^>]*value="at_period_end"/);
      expect(html).toMatch(/type="radio" name="when"[^>]*value="immediately"/);
      const missing = await post(`/portal/subscriptions/${a.id}/cancel`, { reason: "unused" }, cookie);
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('data-testid="error-when"');
      expect(subRow(a.id).cancel_at_period_end).toBe(0);
      expect((await post(`/portal/subscriptions/${a.id}/cancel`, { when: "immediately", reason: "unused" }, cookie)).location).toContain("notice=cancelled");
      expect(subRow(a.id)).toMatchObject({ status: "cancelled", cancel_reason: "unused" });
      const b = await subscribe();
      expect((await post(`/portal/subscriptions/${b.id}/cancel`, { when: "at_period_end" }, cookie)).location).toContain("notice=cancellation_scheduled");
      expect(subRow(b.id)).toMatchObject({ status: "active", cancel_at_period_end: 1 });
    } finally {
      await setSettings(DEFAULTS);
    }
  });

  it("a reason outside the fixed list → inline error and nothing changed", async () => {
    const sub = await subscribe();
    const res = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "at_period_end", reason: "because" }, cookie);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-reason"');
    expect(subRow(sub.id).cancel_at_period_end).toBe(0);
  });

  it("cancelling switched off: no cancel button, the confirm page and a hand-made post → 403, nothing changed", async () => {
    await setSettings({ subscription_cancel: { enabled: false } });
    try {
      const sub = await subscribe();
      expect(text((await page("/portal/subscriptions", cookie)).text)).not.toContain(`data-testid="cancel-${sub.id}"`);
      expect((await page(`/portal/subscriptions/${sub.id}/cancel`, cookie)).status).toBe(403);
      const res = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "at_period_end" }, cookie);
      expect(res.status).toBe(403);
      expect(subRow(sub.id).cancel_at_period_end).toBe(0);
      expect(eventCount("subscription.cancellation_scheduled", sub.id)).toBe(0);
    } finally {
      await setSettings(DEFAULTS);
    }
  });

  it("another customer's or another merchant's subscription → 404 and nothing changed", async () => {
    const theirs = await subscribe(otherCustomerId);
    const otherProduct = (await otherApi.post("/products", { name: "G", type: "subscription", price: 100, currency: "usd", interval: "month" })).body.id;
    const foreign = await subscribe(foreignCustomerId, otherApi, otherProduct);
    for (const id of [theirs.id, foreign.id]) {
      expect((await page(`/portal/subscriptions/${id}/cancel`, cookie)).status).toBe(404);
      expect((await post(`/portal/subscriptions/${id}/cancel`, { when: "at_period_end" }, cookie)).status).toBe(404);
      expect(subRow(id).cancel_at_period_end).toBe(0);
    }
    await api.post(`/subscriptions/${theirs.id}/cancel`, { at_period_end: true });
    const before = subRow(theirs.id);
    expect((await post("/portal/subscriptions", { intent: "resume", id: theirs.id }, cookie)).status).toBe(404);
    expect(subRow(theirs.id)).toEqual(before);
  });

  it("cross-site posts → 403 and nothing changed", async () => {
    const sub = await subscribe();
    const res = await post(`/portal/subscriptions/${sub.id}/cancel`, { when: "at_period_end" }, cookie, { site: "cross-site" });
    expect(res.status).toBe(403);
    expect(subRow(sub.id).cancel_at_period_end).toBe(0);
    expect((await post("/portal/locale", { locale: "ko" }, cookie, { site: "same-site" })).status).toBe(403);
  });

  it("the deep link of a subscription_cancel flow lands on its confirm page", async () => {
    const sub = await subscribe();
    const ps = (await api.post(`/customers/${customerId}/portal-sessions`, { flow: { type: "subscription_cancel", subscription_id: sub.id } })).body;
    const res = await request(ps.url);
    expect(res.location).toBe(`/portal/subscriptions/${sub.id}/cancel`);
    const landed = await page(res.location!, sessionCookie(res)!);
    expect(landed.status).toBe(200);
    expect(landed.text).toContain('data-testid="cancel-form"');
  });
});

describe("license instances", () => {
  let cookie: string;
  const activate = async (key: string, name: string) => {
    const res = await fetch(`${server.url}/api/v1/licenses/activate`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ license_key: key, name }) });
    return ((await res.json()) as { id: string }).id;
  };
  const deactivatedAt = (id: string) => readDb<{ d: number | null }>(server.dbFile, "select deactivated_at d from license_key_instances where id = ?", id)[0].d;

  beforeAll(async () => {
    cookie = await signIn();
  });

  it("deactivate frees a slot; another customer's instance → 404; switched off → 403 and no button", async () => {
    const mine = (await api.post("/license-keys", { customer_id: customerId, activations_limit: 2 })).body;
    const theirs = (await api.post("/license-keys", { customer_id: otherCustomerId })).body;
    const myInstance = await activate(mine.key, "Desk");
    const theirInstance = await activate(theirs.key, "Their desk");

    expect((await post("/portal/licenses", { intent: "deactivate", id: theirInstance }, cookie)).status).toBe(404);
    expect(deactivatedAt(theirInstance)).toBeNull();

    await setSettings({ license_keys: { allow_deactivate: false } });
    try {
      expect(text((await page("/portal/licenses", cookie)).text)).not.toContain(`data-testid="deactivate-${myInstance}"`);
      expect((await post("/portal/licenses", { intent: "deactivate", id: myInstance }, cookie)).status).toBe(403);
      expect(deactivatedAt(myInstance)).toBeNull();
    } finally {
      await setSettings(DEFAULTS);
    }

    const res = await post("/portal/licenses", { intent: "deactivate", id: myInstance }, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal/licenses?notice=deactivated");
    expect(deactivatedAt(myInstance)).not.toBeNull();
    expect(eventCount("license_key.instance_deactivated", myInstance)).toBe(1);
    expect(text((await page("/portal/licenses", cookie)).text)).not.toContain(`data-testid="instance-${myInstance}"`);
  });
});

describe("pages the merchant switched off", () => {
  it.each([
    ["billing_history", "/portal/billing", "billing"],
    ["license_keys", "/portal/licenses", "licenses"],
    ["wallet", "/portal/wallet", "wallet"],
    ["usage", "/portal/usage", "usage"],
  ])("%s off → %s is a 404 and leaves the navigation", async (feature, path, nav) => {
    const cookie = await signIn();
    await setSettings({ [feature]: { enabled: false } });
    try {
      const res = await page(path, cookie);
      expect(res.status).toBe(404);
      expect(res.text).toContain('data-testid="portal-error"');
      expect(testIds(text((await page("/portal", cookie)).text), "nav")).not.toContain(nav);
    } finally {
      await setSettings(DEFAULTS);
    }
  });
});

describe("profile", () => {
  let cookie: string;
  let id: string;
  beforeAll(async () => {
    id = (await api.post("/customers", { email: "emily@example.com", name: "Emily Carter" })).body.id;
    cookie = await signIn(id);
  });

  it("an invalid phone → inline error, nothing saved (not even the valid name beside it)", async () => {
    const before = customerRow(id);
    const res = await post("/portal/profile", { name: "Emily C.", email: "emily@example.com", phone: "12345", tax_id: "" }, cookie);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-phone"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(text(res.text)).toContain("Enter a valid phone number");
    expect(customerRow(id)).toEqual(before);
  });

  it("+82 10-1234-5678 is stored as +821012345678; customer.updated carries the customer actor", async () => {
    const res = await post("/portal/profile", { name: "Emily Carter", email: "emily@example.com", phone: "+82 10-1234-5678" }, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal/profile?notice=profile_saved");
    expect(customerRow(id).phone_number).toBe("+821012345678");
    const event = readDb<{ data: string }>(server.dbFile, "select payload as data from webhook_events where type = 'customer.updated' and json_extract(payload, '$.data.object.id') = ? order by seq desc", id)[0];
    expect(JSON.parse(event.data)).toMatchObject({ data: { object: { phone_number: "+821012345678" } }, actor: { type: "customer", customer_id: id } });
  });

  it("a national number is read in the billing address's country", async () => {
    const res = await post(
      "/portal/profile",
      { phone: "010-9876-5432", line1: "1 Sejong-daero", line2: "", city: "Seoul", state: "", postal_code: "04524", country: "kr", tax_id: "123-45-67890" },
      cookie,
    );
    expect(res.status).toBe(303);
    const row = customerRow(id);
    expect(row.phone_number).toBe("+821098765432");
    expect(JSON.parse(row.billing_address!)).toMatchObject({ line1: "1 Sejong-daero", city: "Seoul", country: "KR" });
    expect(row.tax_id).toBe("123-45-67890");
  });

  it("legal name, shipping address and the language of invoices and emails are saved; bad ones are inline errors", async () => {
    const res = await post(
      "/portal/profile",
      { legal_name: "Carter Studio LLC", document_locale: "ko", ship_line1: "2 Harbour Rd", ship_line2: "", ship_city: "Busan", ship_state: "", ship_postal_code: "", ship_country: "kr" },
      cookie,
    );
    expect(res.status).toBe(303);
    const customer = (await api.get(`/customers/${id}`)).body;
    expect(customer).toMatchObject({ legal_name: "Carter Studio LLC", document_locale: "ko", shipping_address: { line1: "2 Harbour Rd", city: "Busan", country: "KR" } });
    const html = text((await page("/portal/profile", cookie)).text);
    expect(html).toContain('value="Carter Studio LLC"');
    expect(html).toMatch(/<option value="ko"[^>]*selected/);

    const bad = await post("/portal/profile", { document_locale: "fr", ship_line1: "x", ship_city: "", ship_country: "KR" }, cookie);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('data-testid="error-ship_city"');
    expect(bad.text).toContain('data-testid="error-shipping"');
    expect((await api.get(`/customers/${id}`)).body).toMatchObject({ document_locale: "ko", shipping_address: { city: "Busan" } });

    // All empty clears them.
    const cleared = await post("/portal/profile", { legal_name: "", document_locale: "", ship_line1: "", ship_city: "", ship_country: "" }, cookie);
    expect(cleared.status).toBe(303);
    expect((await api.get(`/customers/${id}`)).body).toMatchObject({ legal_name: null, document_locale: null, shipping_address: null });
  });

  it("an incomplete address → inline errors and nothing saved", async () => {
    const before = customerRow(id);
    const res = await post("/portal/profile", { name: "Changed", line1: "Somewhere", city: "", country: "ZZ" }, cookie);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-city"');
    expect(res.text).toContain('data-testid="error-country"');
    expect(customerRow(id)).toEqual(before);
  });

  it("a field the merchant does not allow, posted by hand → 403, nothing changed; switched off → 403", async () => {
    await setSettings({ customer_update: { allowed_fields: ["phone_number"] } });
    try {
      const html = text((await page("/portal/profile", cookie)).text);
      expect(html).not.toContain('name="name"');
      expect(html).toContain('name="phone"');
      const before = customerRow(id);
      expect((await post("/portal/profile", { name: "Hacker", phone: "+14155550123" }, cookie)).status).toBe(403);
      expect(customerRow(id)).toEqual(before);
      await setSettings({ customer_update: { enabled: false } });
      expect((await post("/portal/profile", { tax_id: "X" }, cookie)).status).toBe(403);
      expect(customerRow(id)).toEqual(before);
      expect(text((await page("/portal/profile", cookie)).text)).toContain("To change these details, contact Acme.");
    } finally {
      await setSettings(DEFAULTS);
    }
  });

  it("email change: confirmation to the new address, notice to the old, applies on confirm, single use", async () => {
    const res = await post("/portal/profile", { name: "Emily Carter", email: "emily@new.example", phone: "+821012345678" }, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal/profile?notice=email_change_sent");
    expect(customerRow(id).email).toBe("emily@example.com");
    expect(text((await page("/portal/profile", cookie)).text)).toContain("A confirmation link was sent to emily@new.example");

    const mail = await smtp.waitFor((m) => m.to.includes("emily@new.example"));
    expect(mail.subject).toBe("Confirm your new email address for Acme");
    const link = /(http:\/\/127\.0\.0\.1:\d+\/portal\/profile\/confirm-email\/[A-Za-z0-9]+)/.exec(mail.text)![1];
    const token = link.split("/").pop()!;
    expect(readDb(server.dbFile, "select * from email_changes where token_hash = ?", token)).toHaveLength(0);

    // Opening the link (a mail scanner, a preview) changes nothing.
    const shown = await request(link);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
    expect(customerRow(id).email).toBe("emily@example.com");

    // Confirmed from a browser without a portal session (another device).
    const confirmed = await postForm(link, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('data-testid="email-changed"');
    expect(customerRow(id).email).toBe("emily@new.example");
    const notice = await smtp.waitFor((m) => m.to.includes("emily@example.com") && m.subject === "Your Acme email address was changed");
    expect(notice.text).toContain("emily@new.example");
    expect(notice.text).not.toContain("/portal/");

    const again = await postForm(link, {});
    expect(again.status).toBe(404);
    expect(customerRow(id).email).toBe("emily@new.example");
  });

  it("a newer request voids the older link; confirming in the signed-in browser goes back to the profile", async () => {
    await post("/portal/profile", { email: "first@new.example" }, cookie);
    await post("/portal/profile", { email: "second@new.example" }, cookie);
    const linkOf = async (to: string) => /(http:\/\/127\.0\.0\.1:\d+\/portal\/profile\/confirm-email\/[A-Za-z0-9]+)/.exec((await smtp.waitFor((m) => m.to.includes(to))).text)![1];
    const first = await linkOf("first@new.example");
    const second = await linkOf("second@new.example");
    expect((await postForm(first, {})).status).toBe(404);
    const res = await postForm(second, {}, { cookie });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal/profile?notice=email_changed");
    expect(customerRow(id).email).toBe("second@new.example");
  });

  it("an address taken by another customer is refused at confirmation, nothing changed", async () => {
    await post("/portal/profile", { email: "taro@example.com" }, cookie);
    const mail = await smtp.waitFor((m) => m.to.includes("taro@example.com") && m.subject.startsWith("Confirm"));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/portal\/profile\/confirm-email\/[A-Za-z0-9]+)/.exec(mail.text)![1];
    const res = await postForm(link, {});
    expect(res.status).toBe(409);
    expect(customerRow(id).email).toBe("second@new.example");
  });
});

describe("a customer known only by external_id", () => {
  it("signs in through a redirect link, is greeted without a name, and can add an email (confirmed first, no notice to send)", async () => {
    const id = (await api.post("/customers", { external_id: "app-user-77" })).body.id;
    const cookie = await signIn(id);
    const overview = await page("/portal", cookie);
    expect(overview.status).toBe(200);
    expect(h1(text(overview.text))).toBe("Hello");
    const profile = await page("/portal/profile", cookie);
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('name="email"');
    // Leaving the email empty changes nothing; adding one asks the new address to confirm.
    expect((await post("/portal/profile", { email: "" }, cookie)).location).toBe("/portal/profile?notice=unchanged");
    const res = await post("/portal/profile", { email: "first.address@example.com" }, cookie);
    expect(res.location).toBe("/portal/profile?notice=email_change_sent");
    const mail = await smtp.waitFor((m) => m.to.includes("first.address@example.com"));
    const link = /(http:\/\/127\.0\.0\.1:\d+\/portal\/profile\/confirm-email\/[A-Za-z0-9]+)/.exec(mail.text)![1];
    const notices = () => readDb<{ n: number }>(server.dbFile, "select count(*) n from mail_outbox where template = 'email-changed-notice'")[0].n;
    const before = notices();
    const confirmed = await postForm(link, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('data-testid="email-changed"');
    expect((await api.get(`/customers/${id}`)).body.email).toBe("first.address@example.com");
    // There was no old address to tell.
    expect(notices()).toBe(before);
  });
});

describe("pages in Korean, at every length", () => {
  // React 18's renderToPipeableStream left NUL bytes wherever a multi-byte character met the end
  // of a 2 KB chunk (react#31134); app/entry.server.tsx renders with renderToString. Names of 1 to
  // 40 Hangul syllables move every byte after them, so some page puts a character across each
  // boundary.
  it("are valid UTF-8 with no NUL byte, and show the whole name", async () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    for (let n = 1; n <= 40; n++) {
      const name = `김${"민".repeat(n)}`;
      const id = (await api.post("/customers", { email: `hangul.${n}@example.kr`, name })).body.id;
      for (let i = 0; i < 3; i++) {
        const payment = await api.post("/payments", {
          customer_id: id,
          status: "succeeded",
          currency: "KRW",
          items: [{ description: `프로 요금제 ${"월".repeat((n + i) % 7)}`, quantity: 1, unit_amount: 12000 }],
        });
        expect(payment.status).toBe(201);
      }
      const cookie = await signIn(id, { locale: "ko" });
      for (const path of ["/portal", "/portal/billing"]) {
        const res = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie } });
        expect(res.status, `${path} n=${n}`).toBe(200);
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(bytes.includes(0), `${path} n=${n}: a NUL byte`).toBe(false);
        const html = strict.decode(bytes);
        expect(html.startsWith("<!DOCTYPE html><html lang=\"ko\""), path).toBe(true);
        expect(html).toContain(name);
      }
    }
  });
});
