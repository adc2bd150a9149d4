import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, ROOT, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";

/** A phone and a desktop viewport, at the default device scale (small screenshots). */
export const WIDTHS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type WidthName = keyof typeof WIDTHS;

export const SCREENSHOT_DIR = path.join(ROOT, "test-results/screenshots");

export type Payment = { id: string; invoice_number: string | null; amount: number; currency: string; status: string };

/**
 * One server (own SQLite file, real SMTP capture on loopback) per spec file, with a merchant and
 * two customers whose data is made only through the merchant API:
 * - 김민지 (Korean, KR address): a USD and a KRW subscription plus one to cancel, payments
 *   succeeded / failed / refunded / partially refunded in KRW and USD, a license key with two
 *   activations, wallet credits and debits in USD and KRW;
 * - Sam Taylor (English): a subscription, a payment, a license key with an instance, a wallet.
 */
export async function startPortalWorld() {
  const smtp: SmtpCapture = await startSmtpCapture();
  const server: TestServer = await startServer({
    env: { SMTP_URL: smtp.url, MAIL_FROM: "Acme Billing <billing@acme.example>", RATE_LIMIT_SCALE: "100" },
  });
  const merchant = createMerchant(server.dbFile, "Acme Cloud", "acme");
  const api = apiClient(server.url, merchant.apiKey);
  const ok = async <T = any>(res: Promise<{ status: number; body: any }>, status = 201): Promise<T> => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body as T;
  };

  await ok(
    api.patch("/portal-settings", {
      branding: { display_name: "Acme Cloud", brand_color: "#4338ca", support_email: "help@acme.example", default_return_url: "https://acme.example/account" },
    }),
    200,
  );

  const minji = await ok<{ id: string; email: string }>(
    api.post("/customers", {
      email: "minji@example.com",
      name: "김민지",
      phone_number: "+82 2-312-3456",
      billing_address: { line1: "세종대로 110", city: "중구", state: "서울특별시", postal_code: "04524", country: "KR" },
      tax_id: "123-45-67890",
    }),
  );
  const sam = await ok<{ id: string; email: string }>(
    api.post("/customers", {
      email: "sam@example.com",
      name: "Sam Taylor",
      billing_address: { line1: "1 Market St", city: "San Francisco", state: "CA", postal_code: "94105", country: "US" },
    }),
  );

  const pro = await ok<{ id: string }>(api.post("/products", { name: "Pro plan", type: "subscription", price: 1900, currency: "usd", interval: "month" }));
  const team = await ok<{ id: string }>(api.post("/products", { name: "팀 요금제", type: "subscription", price: 99000, currency: "krw", interval: "year" }));
  const storage = await ok<{ id: string }>(api.post("/products", { name: "Extra storage", type: "subscription", price: 500, currency: "usd", interval: "month" }));
  const desktop = await ok<{ id: string }>(api.post("/products", { name: "Acme Desktop", type: "one_time", price: 4900, currency: "usd" }));

  const subscribe = (customerId: string, productId: string) => ok<{ id: string }>(api.post("/subscriptions", { customer_id: customerId, product_id: productId }));
  const subs = {
    pro: await subscribe(minji.id, pro.id),
    team: await subscribe(minji.id, team.id),
    /** The one the journeys cancel and resume. */
    storage: await subscribe(minji.id, storage.id),
    sam: await subscribe(sam.id, pro.id),
  };

  const pay = (body: Record<string, unknown>) => ok<Payment>(api.post("/payments", body));
  const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
  /** A payment of 김민지's, `daysAgo` days old, of one line: succeeded unless `extra` says otherwise. */
  const minjiPaid = (daysAgo: number, currency: string, item: Record<string, unknown>, extra: Record<string, unknown>) =>
    pay({ customer_id: minji.id, status: "succeeded", currency, items: [item], created_at: days(daysAgo), ...extra });
  const visa = { type: "card", brand: "visa", last4: "4242" };
  const proMonth = { description: "Pro plan (monthly)", quantity: 1, unit_amount: 1900 };
  const payments = {
    krwRefunded: await minjiPaid(40, "krw", { description: "팀 요금제 (연간)", quantity: 1, unit_amount: 99000, tax_rate_bps: 1000 }, { payment_method: visa }),
    usdFailed: await minjiPaid(31, "usd", proMonth, {
      status: "failed",
      payment_method: { type: "card", brand: "mastercard", last4: "5454" },
      failure_reason: "card_declined",
    }),
    usdFullyRefunded: await minjiPaid(20, "usd", { description: "Acme Desktop", quantity: 1, unit_amount: 4900 }, { payment_method: { type: "wallet" } }),
    /** The invoice the download journey opens: 2 × ₩33,000 + 10% tax = ₩72,600. */
    krwPaid: await minjiPaid(3, "krw", { description: "추가 좌석", quantity: 2, unit_amount: 33000, tax_rate_bps: 1000 }, { payment_method: visa }),
    usdPaid: await minjiPaid(1, "usd", proMonth, { subscription_id: subs.pro.id, payment_method: visa }),
    sam: await pay({ customer_id: sam.id, status: "succeeded", currency: "usd", items: [proMonth] }),
  };
  await ok(api.post(`/payments/${payments.krwRefunded.id}/refunds`, { amount: 20000, reason: "Unused seats" }));
  await ok(api.post(`/payments/${payments.usdFullyRefunded.id}/refunds`, {}));

  const activate = async (key: string, name: string) => {
    const res = await fetch(`${server.url}/api/v1/licenses/activate`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ license_key: key, name }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const licenseKey = await ok<{ id: string; key: string }>(
    api.post("/license-keys", { customer_id: minji.id, product_id: desktop.id, activations_limit: 3 }),
  );
  const instances = { laptop: await activate(licenseKey.key, "민지의 MacBook"), desktop: await activate(licenseKey.key, "Office desktop") };
  const samKey = await ok<{ id: string; key: string }>(api.post("/license-keys", { customer_id: sam.id, product_id: desktop.id }));
  const samInstance = await activate(samKey.key, "Sam's laptop");

  const ledger = (customerId: string, body: Record<string, unknown>) => ok(api.post(`/customers/${customerId}/wallets/ledger-entries`, body));
  await ledger(minji.id, { currency: "usd", amount: 5000, entry_type: "credit", reason: "Welcome credit" });
  await ledger(minji.id, { currency: "usd", amount: 1250, entry_type: "debit", reason: "Applied to INV-000002" });
  await ledger(minji.id, { currency: "krw", amount: 30000, entry_type: "credit", reason: "추천 보상" });
  await ledger(minji.id, { currency: "krw", amount: 12000, entry_type: "debit", reason: "Applied to invoice" });
  await ledger(sam.id, { currency: "usd", amount: 1000, entry_type: "credit", reason: "Goodwill" });

  // Usage meters: one under its limit, one at it, one unlimited (Sam has none).
  const entitle = (feature: string, body: Record<string, unknown>) => ok(api.call("PUT", `/customers/${minji.id}/entitlements/${feature}`, body), 200);
  const record = (feature: string, quantity: number) => ok(api.post(`/customers/${minji.id}/usage`, { feature, quantity }));
  await entitle("api.calls", { name: "API calls", limit: 10_000, unit: "calls", reset_interval: "month" });
  await record("api.calls", 6_420);
  await entitle("seats", { name: "Team seats", limit: 5, unit: "seats" });
  await record("seats", 5);
  await entitle("storage", { name: "Storage", limit: null, unit: "GB", reset_interval: "month" });
  await record("storage", 12);

  /** Mints a redirect portal session through the API and opens its url; lands signed in, hydrated. */
  async function signIn(page: Page, opts: { customerId?: string; locale?: string; flow?: Record<string, unknown>; returnUrl?: string } = {}) {
    const body: Record<string, unknown> = { return_url: opts.returnUrl ?? "https://acme.example/account" };
    if (opts.locale) body.locale = opts.locale;
    if (opts.flow) body.flow = opts.flow;
    const ps = await ok<{ url: string }>(api.post(`/customers/${opts.customerId ?? minji.id}/portal-sessions`, body));
    await page.goto(ps.url);
    await expect(page).toHaveURL(new RegExp(`^${server.url}/portal`));
    await hydrated(page);
    return ps;
  }

  return {
    server,
    smtp,
    api,
    merchant,
    customers: { minji, sam },
    products: { pro, team, storage, desktop },
    subs,
    payments,
    licenseKey,
    instances,
    samKey,
    samInstance,
    signIn,
    async stop() {
      if (process.env.E2E_DUMP_LOGS) fs.writeFileSync(path.join(ROOT, "test-results/server.log"), server.logs.join("\n"));
      await server.stop();
      await smtp.close();
    },
  };
}

export type PortalWorld = Awaited<ReturnType<typeof startPortalWorld>>;

/**
 * The spec file's world: started before its first test and stopped after its last (one server per
 * file). The object is filled in before the first test runs.
 */
export function portalWorldPerFile(): PortalWorld {
  const world = {} as PortalWorld;
  test.beforeAll(async () => {
    Object.assign(world, await startPortalWorld());
  });
  test.afterAll(async () => {
    await world.stop?.();
  });
  return world;
}

/** Contexts made by noJsContext: their pages never hydrate. */
const withoutJs = new WeakSet<BrowserContext>();

/**
 * After every full page load (goto, reload, a plain form post), before the test touches the
 * page: waits until React has hydrated it (app/root.tsx sets html[data-hydrated] in an effect,
 * which runs once the whole tree is live). A click before that is lost or races hydration, and
 * a node added to the DOM before it is thrown away by it. A page without JavaScript is ready
 * once loaded.
 */
export async function hydrated(page: Page) {
  if (withoutJs.has(page.context())) return;
  await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
}

/** A full-page screenshot under test-results/screenshots/<name>-<width>.png; returns the path. */
export async function screenshot(page: Page, name: string, width: WidthName) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  return file;
}

/** axe-core on the whole page: no violation of serious or critical impact (rule ids in the message). */
export async function expectNoSeriousAxeViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  expect(report, `axe violations on ${what}`).toEqual([]);
}

/** Nothing wider than the viewport (horizontal overflow breaks a phone layout). */
export async function expectNoHorizontalOverflow(page: Page, what: string) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${what} is wider than the viewport`).toBeLessThanOrEqual(client);
}

/** The text of a PDF file (pdftotext, layout kept; no-break spaces as spaces). */
export function pdfText(file: string) {
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }).replace(/\u00a0/g, " ");
}

/** A context whose pages have JavaScript off: forms post as plain HTML. */
export async function noJsContext(browser: { newContext: (o: object) => Promise<BrowserContext> }, width: WidthName = "phone") {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: WIDTHS[width] });
  withoutJs.add(context);
  return context;
}
