import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { en } from "../../app/i18n/en";
import { ko } from "../../app/i18n/ko";
import { apiClient, type ApiClient } from "../setup/api";
import { ROOT } from "../setup/server";
import { expectNoHorizontalOverflow, expectNoSeriousAxeViolations, hydrated, screenshot, WIDTHS, type WidthName } from "./fixtures";
import { startDashboardWorld, type DashboardWorld } from "./dashboard-fixtures";

// The customers table and the customer page in Chromium (DASHBOARD.md "Customers", "Customer"),
// at phone and desktop width, in English and Korean: search by a Hangul substring and by email,
// filter and sort with the URL carrying the state, the cursor pager, the column chooser and a
// saved view surviving a reload, the `/` and `n` shortcuts, the New customer dialog (an inline
// error, then Ctrl+Enter), a partial refund, cancel at period end and resume, a wallet credit
// double-clicked (booked once), the Usage tab, the one-time portal link and the read-only portal
// view. axe (no serious/critical) and no sideways overflow on the table and the customer page.
// With UPDATE_README_SCREENSHOTS=1 the README's screenshots of both pages are written too.
const LOCALES = { en: { tag: "en-US", t: en }, ko: { tag: "ko-KR", t: ko } } as const;
type LocaleName = keyof typeof LOCALES;
type Catalogue = (typeof LOCALES)[LocaleName]["t"];

// One server for the file; each journey has a merchant of its own. Steps get a failure bound
// for a loaded machine, never a wait.
let world: DashboardWorld;
test.describe.configure({ timeout: 240_000 });
test.beforeAll(async () => void (world = await startDashboardWorld()));
test.afterAll(() => world?.stop());

const fill = (text: string, values: Record<string, string>) => text.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => values[k] ?? "");

/** The README's screenshots: the desktop pages in both languages and the phone page in English. */
const README_SHOTS = new Set(["en-desktop", "ko-desktop", "en-phone"]);

async function check(page: Page, name: string, locale: LocaleName, width: WidthName) {
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
  await screenshot(page, `dashboard-${name}-${locale}`, width);
  if (process.env.UPDATE_README_SCREENSHOTS && README_SHOTS.has(`${locale}-${width}`)) {
    fs.mkdirSync(path.join(ROOT, "docs/screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "docs/screenshots", `dashboard-${name}-${locale}-${width}.png`), fullPage: true, animations: "disabled" });
  }
  await expectNoSeriousAxeViolations(page, `${name} (${locale}, ${width})`);
  await expectNoHorizontalOverflow(page, `${name} (${locale}, ${width})`);
}

/** The ids of the table's rows, in order. */
const rowIds = (page: Page) => page.getByTestId("customer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer-id")!));

/** The table's URL holds these parameters (and no `after` unless given). */
const query = (want: Record<string, string | null>) => (url: URL) => Object.entries(want).every(([k, v]) => url.searchParams.get(k) === v);

type Seeded = {
  api: ApiClient;
  minji: { id: string };
  sam: { id: string };
  total: number;
  paymentId: string;
  subscriptionId: string;
};

/** A merchant of its own, its owner, and 31 customers made through the API (one with billing history and usage). */
async function seed(slug: string, locale: LocaleName): Promise<Seeded> {
  const merchant = world.merchant(locale === "ko" ? "한빛 상점" : "Bright Shop", slug);
  world.staffCreate(["--merchant", slug, "--email", `owner@${slug}.example`, "--role", "owner", "--name", locale === "ko" ? "김소유" : "Olive Owner", "--password", `a long passphrase for ${slug}`]);
  const api = apiClient(world.server.url, merchant.apiKey);
  const ok = async <T = any>(res: Promise<{ status: number; body: any }>, status = 201): Promise<T> => {
    const r = await res;
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r.body as T;
  };
  let total = 0;
  const customer = async (body: Record<string, unknown>) => {
    total++;
    return ok<{ id: string }>(api.post("/customers", body));
  };
  // The fillers first: the three named customers are the newest (the first page, newest first).
  for (let i = 1; i <= 28; i++) {
    const n = String(i).padStart(2, "0");
    await customer({ email: `filler${n}@${slug}.example`, name: locale === "ko" ? `고객 ${n}` : `Customer ${n}` });
  }
  await customer({ email: `seojun@${slug}.example`, name: "박서준" });
  const sam = await customer({ email: `sam.taylor@${slug}.example`, name: "Sam Taylor", billing_address: { line1: "1 Market St", city: "San Francisco", country: "US" } });
  const minji = await customer({ email: `minji@${slug}.example`, name: "김민지", billing_address: { line1: "세종대로 110", city: "서울", country: "KR" } });

  const team = await ok<{ id: string }>(api.post("/products", { name: "Team", type: "subscription", price: 900, currency: "usd", interval: "month" }));
  const subscription = await ok<{ id: string }>(api.post("/subscriptions", { customer_id: minji.id, product_id: team.id }));
  await ok(api.post("/subscriptions", { customer_id: sam.id, product_id: team.id }));
  const payment = await ok<{ id: string }>(
    api.post("/payments", { customer_id: minji.id, status: "succeeded", currency: "usd", items: [{ description: "Pro plan (yearly)", quantity: 1, unit_amount: 5000 }] }),
  );
  const entitle = (feature: string, body: Record<string, unknown>) => ok(api.call("PUT", `/customers/${minji.id}/entitlements/${feature}`, body), 200);
  await entitle("api.calls", { name: "API calls", limit: 10_000, unit: "calls", reset_interval: "month" });
  await entitle("seats", { name: "Team seats", limit: 5, unit: "seats" });
  await entitle("storage", { name: "Storage", limit: null, unit: "GB", reset_interval: "month" });
  await ok(api.post(`/customers/${minji.id}/usage`, { feature: "api.calls", quantity: 6_420 }));
  await ok(api.post(`/customers/${minji.id}/usage`, { feature: "seats", quantity: 5 }));
  await ok(api.post(`/customers/${minji.id}/usage`, { feature: "storage", quantity: 12 }));
  return { api, minji, sam, total, paymentId: payment.id, subscriptionId: subscription.id };
}

async function signIn(page: Page, slug: string) {
  await page.goto(world.url("/dashboard/sign-in"));
  await hydrated(page);
  await page.getByTestId("sign-in-email").fill(`owner@${slug}.example`);
  await page.getByTestId("sign-in-password").fill(`a long passphrase for ${slug}`);
  await page.getByTestId("sign-in-submit").click();
  await page.waitForURL(world.url("/dashboard"));
}

/** Submits the table's filter form from the search box, as a person pressing Enter does. */
async function search(page: Page, q: string) {
  await page.getByTestId("search").fill(q);
  await page.getByTestId("search").press("Enter");
  await expect(page).toHaveURL(query({ q }));
}

for (const width of Object.keys(WIDTHS) as WidthName[]) {
  for (const locale of Object.keys(LOCALES) as LocaleName[]) {
    test.describe.serial(`customers at ${width} width in ${locale}`, () => {
      const t: Catalogue = LOCALES[locale].t;
      const slug = `customers-${locale}-${width}`;
      let context: BrowserContext;
      let page: Page;
      let data: Seeded;
      const browserErrors: string[] = [];
      /** A browser of its own, signed in through the form (a fresh sign-in is recent authentication for 10 minutes). */
      async function openSignedIn(browser: Browser) {
        await context?.close();
        context = await browser.newContext({ viewport: WIDTHS[width], locale: LOCALES[locale].tag });
        await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: world.server.url });
        page = await context.newPage();
        // A page that fails in the browser (a crash while hydrating, an uncaught error) fails the
        // step, even where the server's HTML alone would pass its checks. Refused requests the
        // journey asks for (the read-only portal's 403) are the browser's resource errors, left out.
        page.on("pageerror", (error) => browserErrors.push(error.message));
        page.on("console", (message) => {
          if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) browserErrors.push(message.text());
        });
        await signIn(page, slug);
      }
      test.beforeAll(async () => {
        data = await seed(slug, locale);
      });
      test.afterEach(() => {
        const seen = browserErrors.splice(0);
        expect(seen, "errors in the browser").toEqual([]);
      });
      test.afterAll(async () => {
        await context?.close();
      });

      test("1. search the table by a Korean name substring and by email", async ({ browser }) => {
        await openSignedIn(browser);
        await page.goto(world.url("/dashboard/customers"));
        await expect(page.getByTestId("customer-row")).toHaveCount(25);
        await check(page, "customers", locale, width);

        // The rows themselves, polled: the URL changes before React shows the new rows, and the
        // previous search's single row would pass a count of one (seen under load in CI).
        await search(page, "민지");
        await expect.poll(() => rowIds(page)).toEqual([data.minji.id]);
        await expect(page.getByTestId("customer-row").getByRole("link", { name: "김민지" })).toBeVisible();

        await search(page, `sam.taylor@${slug}.example`);
        await expect.poll(() => rowIds(page)).toEqual([data.sam.id]);
      });

      test("2. filter and sort through the UI, the URL carrying the state; page with the cursor", async () => {
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await page.getByTestId("filter-subscription").selectOption("active");
        await page.getByTestId("apply-filters").click();
        await expect(page).toHaveURL(query({ subscription: "active", after: null }));
        await expect(page.getByTestId("customer-row")).toHaveCount(2);

        // The sort select (every width), then the column header (desktop; a phone's stacked table has none to tap).
        await page.getByTestId("filter-sort").selectOption("name");
        await page.getByTestId("apply-filters").click();
        await expect(page).toHaveURL(query({ subscription: "active", sort: "name" }));
        await expect(page.getByTestId("customer-row").first()).toHaveAttribute("data-customer-id", data.sam.id);
        await expect(page.locator("th[aria-sort=ascending]")).toHaveCount(1);
        if (width === "desktop") {
          await page.getByTestId("sort-name").click();
        } else {
          await page.getByTestId("filter-sort").selectOption("-name");
          await page.getByTestId("apply-filters").click();
        }
        await expect(page).toHaveURL(query({ subscription: "active", sort: "-name" }));
        await expect(page.getByTestId("filter-sort")).toHaveValue("-name");
        await expect(page.getByTestId("customer-row").first()).toHaveAttribute("data-customer-id", data.minji.id);
        // The URL is the whole state: opened afresh, it shows the same view.
        const shared = page.url();
        await page.goto(shared);
        await expect(page.getByTestId("customer-row")).toHaveCount(2);
        await expect(page.getByTestId("filter-subscription")).toHaveValue("active");
        await expect(page.getByTestId("customer-row").first()).toHaveAttribute("data-customer-id", data.minji.id);

        // Every customer once across two pages (25, then the rest), the cursor in the URL.
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await expect(page.getByTestId("customer-row")).toHaveCount(25);
        const first = await rowIds(page);
        await page.getByTestId("next-page").click();
        await expect(page).toHaveURL((url) => !!url.searchParams.get("after"));
        await expect(page.getByTestId("customer-row")).toHaveCount(data.total - 25);
        const second = await rowIds(page);
        expect(new Set([...first, ...second]).size).toBe(data.total);
        await expect(page.getByTestId("next-page")).toHaveCount(0);
      });

      test("3. choose a column (remembered after a reload); save a view and reopen it; export it as CSV and open the file", async () => {
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await expect(page.locator('td[data-col="country"]')).toHaveCount(0);
        await page.getByTestId("column-chooser").click();
        await page.getByTestId("column-country").check();
        await page.getByTestId("save-columns").click();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.columns_saved);
        const minjiCountry = page.locator(`[data-customer-id="${data.minji.id}"] td[data-col="country"]`);
        await expect(minjiCountry).toHaveText("KR");
        await page.reload();
        await hydrated(page);
        await expect(minjiCountry).toHaveText("KR");
        await expect(page.getByTestId("column-country")).toBeChecked();

        await page.goto(world.url("/dashboard/customers?subscription=active&sort=name"));
        await hydrated(page);
        const viewName = locale === "ko" ? "활성 구독 이름순" : "Active by name";
        await page.getByTestId("save-view").click();
        await page.getByTestId("view-name").fill(viewName);
        await page.getByTestId("save-view-submit").click();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.view_saved);
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await expect(page.getByTestId("customer-row")).toHaveCount(25);
        await page.getByTestId("saved-views").getByRole("link", { name: viewName }).click();
        await expect(page).toHaveURL(query({ subscription: "active", sort: "name" }));
        await expect(page.getByTestId("customer-row")).toHaveCount(2);
        await expect(page.getByTestId("saved-views").getByRole("link", { name: viewName })).toHaveAttribute("aria-current", "true");

        // Export the view as CSV through the page's link, and open what the browser saved.
        const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
        const bytes = fs.readFileSync((await download.path())!);
        expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        const records = parse(bytes.toString("utf8").slice(1), { record_delimiter: "\r\n" }) as string[][];
        expect(records[0]).toEqual(["name", "id", "email", "phone", "created_at", "country"].map((c) => t.dash.customers.csv[c as keyof typeof t.dash.customers.csv]));
        expect(records.slice(1).map((r) => r[1])).toEqual(await rowIds(page));
        expect(records.find((r) => r[1] === data.minji.id)).toEqual(expect.arrayContaining(["김민지", `minji@${slug}.example`, "KR"]));
      });

      test("4. keyboard only: `/` focuses search, `n` opens New customer; a bad email is inline, then Ctrl+Enter creates the customer", async () => {
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await page.keyboard.press("/");
        await expect(page.getByTestId("search")).toBeFocused();
        await page.getByTestId("search").blur();
        await page.keyboard.press("n");
        const dialog = page.getByTestId("new-customer-dialog");
        await expect(dialog).toBeVisible();
        await dialog.getByTestId("field-name").fill("최지우");
        await dialog.getByTestId("field-email").fill("not-an-email");
        // Keyboard only, from `n` to the new customer's page: Ctrl+Enter submits the dialog.
        await dialog.getByTestId("field-email").press("Control+Enter");
        await expect(dialog.getByTestId("error-email")).toBeVisible();
        await expect(dialog.getByTestId("field-email")).toHaveAttribute("aria-invalid", "true");
        await expect(dialog.getByTestId("field-name")).toHaveValue("최지우");
        await dialog.getByTestId("field-email").fill(`jiwoo@${slug}.example`);
        await dialog.getByTestId("field-email").press("Control+Enter");
        await expect(page).toHaveURL(/\/dashboard\/customers\/cus_\w+\?notice=customer_created$/);
        await expect(page.getByTestId("about-name")).toHaveText("최지우");
        const id = await page.getByTestId("page-customer").getAttribute("data-customer-id");
        expect((await data.api.get(`/customers/${id}`)).body).toMatchObject({ email: `jiwoo@${slug}.example`, name: "최지우" });
      });

      test("5. open a customer; refund part of a payment; cancel at period end, then resume; credit the wallet with a double click (booked once)", async ({ browser }) => {
        // Refunds and wallet entries need a sign-in within 10 minutes: this step signs in afresh.
        await openSignedIn(browser);
        await page.goto(world.url("/dashboard/customers"));
        await hydrated(page);
        await search(page, "김민지");
        await page.getByTestId("customer-row").getByRole("link", { name: "김민지" }).click();
        await expect(page).toHaveURL(world.url(`/dashboard/customers/${data.minji.id}`));
        await expect(page.getByTestId("tab-panel-payments")).toBeVisible();
        await check(page, "customer", locale, width);

        const payment = page.getByTestId(`payment-${data.paymentId}`);
        await payment.getByTestId(`refund-${data.paymentId}`).click();
        await payment.getByTestId("field-amount").fill("12.50");
        await payment.getByTestId("field-reason").fill(locale === "ko" ? "일부 환불" : "Goodwill");
        await payment.getByTestId(`refund-submit-${data.paymentId}`).click();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.refunded);
        await expect(page.getByTestId(`payment-status-${data.paymentId}`)).toHaveText(t.dash.customer.paymentStatus.partially_refunded);
        expect((await data.api.get(`/payments/${data.paymentId}`)).body).toMatchObject({ amount_refunded: 1250, status: "partially_refunded" });

        const sub = data.subscriptionId;
        await page.getByTestId("tab-subscriptions").click();
        await expect(page).toHaveURL(world.url(`/dashboard/customers/${data.minji.id}/subscriptions`));
        await page.getByTestId(`cancel-${sub}`).click();
        await expect(page.getByTestId(`cancel-when-period_end-${sub}`)).toBeChecked();
        await page.getByTestId(`cancel-reason-${sub}`).selectOption("too_expensive");
        await page.getByTestId(`cancel-submit-${sub}`).click();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.cancellation_scheduled);
        await expect(page.getByTestId(`subscription-status-${sub}`)).toHaveAttribute("data-state", "cancelling");
        expect((await data.api.get(`/subscriptions/${sub}`)).body).toMatchObject({ cancel_at_period_end: true, cancel_reason: "too_expensive" });
        await page.getByTestId(`resume-${sub}`).click();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.subscription_resumed);
        await expect(page.getByTestId(`subscription-status-${sub}`)).toHaveAttribute("data-state", "active");
        expect((await data.api.get(`/subscriptions/${sub}`)).body).toMatchObject({ cancel_at_period_end: false, status: "active" });

        await page.getByTestId("tab-wallet").click();
        await expect(page).toHaveURL(world.url(`/dashboard/customers/${data.minji.id}/wallet`));
        // Every wallet POST the browser sends goes to the server through here, so the test can
        // wait until each has been answered (one the browser dropped for the second click too).
        const posts: Promise<unknown>[] = [];
        await page.route(/\/wallet(\?|$)/, async (route) => {
          if (route.request().method() !== "POST") return route.fallback();
          const answered = route.fetch({ maxRedirects: 0 });
          posts.push(answered);
          try {
            await route.fulfill({ response: await answered });
          } catch {
            // The browser gave up on this request (the second click replaced it); the server still answered.
          }
        });
        await page.getByTestId("wallet-entry").click();
        await expect(page.getByTestId("entry-credit")).toBeChecked();
        const form = page.getByTestId("wallet-form");
        await form.getByTestId("field-currency").fill("USD");
        await form.getByTestId("field-amount").fill("25.00");
        await form.getByTestId("field-reason").fill(locale === "ko" ? "보상 적립" : "Goodwill credit");
        await form.getByTestId("wallet-submit").dblclick();
        await expect(page.getByTestId("dash-notice")).toHaveText(t.dash.notices.wallet_credited);
        await Promise.all(posts);
        await page.unroute(/\/wallet(\?|$)/);
        expect(posts.length).toBeGreaterThanOrEqual(1);
        const ledger = (await data.api.get(`/customers/${data.minji.id}/wallets/ledger-entries`)).body.data as { amount: number; entry_type: string }[];
        expect(ledger.map((e) => [e.entry_type, e.amount])).toEqual([["credit", 2500]]);
        await page.reload();
        await hydrated(page);
        await expect(page.getByTestId("ledger").locator("tbody tr")).toHaveCount(1);
        await expect(page.getByTestId("balance-USD")).toContainText("25.00");
      });

      test("6. the Usage tab; Copy portal link shown once; View portal as customer: the banner, and a portal action refused", async () => {
        await page.goto(world.url(`/dashboard/customers/${data.minji.id}`));
        await hydrated(page);
        await page.getByTestId("tab-usage").click();
        await expect(page).toHaveURL(world.url(`/dashboard/customers/${data.minji.id}/usage`));
        const calls = page.getByRole("meter", { name: "API calls" });
        await expect(calls).toHaveAttribute("aria-valuenow", "6420");
        await expect(calls).toHaveAttribute("aria-valuemax", "10000");
        const callsText = fill(t.usage.usedOfLimitUnit, { used: "6,420", limit: "10,000", unit: "calls" });
        await expect(calls).toHaveAttribute("aria-valuetext", callsText);
        await expect(page.getByTestId("usage-amounts-api.calls")).toHaveText(callsText);
        await expect(page.getByTestId("usage-period-api.calls")).toContainText(t.usage.interval.month);
        await expect(page.getByTestId("usage-seats")).toContainText(t.usage.reached);
        await expect(page.getByTestId("usage-period-seats")).toHaveText(t.usage.allTime);
        await expect(page.getByTestId("usage-amounts-storage")).toHaveText(fill(t.usage.usedUnlimitedUnit, { used: "12", unit: "GB" }));
        await expect(page.getByRole("meter")).toHaveCount(2);
        await check(page, "customer-usage", locale, width);

        await page.getByTestId("portal-link-create").click();
        const link = page.getByTestId("portal-link-secret");
        await expect(link).toHaveText(new RegExp(`^${world.server.url}/portal/session/\\S+$`));
        const url = (await link.textContent())!;
        await page.getByTestId("portal-link-copy").click();
        await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(url);
        // Shown once: the page opened again does not have it.
        await page.goto(world.url(`/dashboard/customers/${data.minji.id}/usage`));
        await hydrated(page);
        await expect(page.getByTestId("tab-panel-usage")).toBeVisible();
        await expect(page.getByTestId("portal-link")).toHaveCount(0);
        expect(await page.content()).not.toContain(url);

        await page.getByTestId("view-as-customer").click();
        await page.waitForURL(world.url("/portal"));
        await hydrated(page);
        await expect(page.getByTestId("view-as-banner")).toHaveText(fill(t.portal.viewingAs, { name: "김민지" }));
        await page.goto(world.url("/portal/profile"));
        await hydrated(page);
        await page.getByTestId("profile-name").fill("Someone else");
        await page.getByTestId("profile-save").click();
        await expect(page.getByTestId("portal-error")).toHaveAttribute("data-status", "403");
        expect((await data.api.get(`/customers/${data.minji.id}`)).body.name).toBe("김민지");
      });
    });
  }
}
