import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../setup/server";
import {
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  hydrated,
  portalWorldPerFile,
  screenshot,
  WIDTHS,
  type PortalWorld,
  type WidthName,
} from "./fixtures";

// Every portal page at a phone and a desktop width, as the Korean customer in the English UI:
// a full-page screenshot (test-results/screenshots/<page>-<width>.png), an axe-core scan and an
// overflow check. The Korean UI, the language switcher and a flow deep link follow.
const world = portalWorldPerFile();

const PAGES: { name: string; path: (w: PortalWorld) => string; testId: string; heading: string | RegExp }[] = [
  { name: "overview", path: () => "/portal", testId: "page-overview", heading: "Hello, 김민지" },
  { name: "billing", path: () => "/portal/billing", testId: "page-billing", heading: "Billing history" },
  { name: "subscriptions", path: () => "/portal/subscriptions", testId: "page-subscriptions", heading: "Subscriptions" },
  { name: "cancel", path: (w) => `/portal/subscriptions/${w.subs.storage.id}/cancel`, testId: "page-cancel", heading: "Cancel Extra storage" },
  { name: "licenses", path: () => "/portal/licenses", testId: "page-licenses", heading: "License keys" },
  { name: "wallet", path: () => "/portal/wallet", testId: "page-wallet", heading: "Wallet" },
  { name: "usage", path: () => "/portal/usage", testId: "page-usage", heading: "Usage" },
  { name: "profile", path: () => "/portal/profile", testId: "page-profile", heading: "Profile" },
];

for (const width of Object.keys(WIDTHS) as WidthName[]) {
  test.describe(`at ${width} width (${WIDTHS[width].width}px)`, () => {
    let context: BrowserContext;
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      context = await browser.newContext({ viewport: WIDTHS[width], locale: "en-US" });
      page = await context.newPage();
      await world.signIn(page, { locale: "en" });
    });
    test.afterAll(async () => {
      await context?.close();
    });

    for (const p of PAGES) {
      test(`${p.name}: renders, screenshot, no serious axe violation, no overflow`, async () => {
        await page.goto(`${world.server.url}${p.path(world)}`);
        await hydrated(page);
        await expect(page.getByTestId(p.testId)).toBeVisible();
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(p.heading);
        // The layout on every page: merchant, customer, back link, enabled navigation, sign-out.
        await expect(page.getByTestId("portal-customer")).toContainText("김민지");
        await expect(page.getByTestId("portal-back")).toHaveAttribute("href", "https://acme.example/account");
        await expect(page.getByTestId("portal-nav").getByRole("link")).toHaveCount(7);
        await expect(page.getByTestId("sign-out")).toBeVisible();
        await screenshot(page, p.name, width);
        await expectNoSeriousAxeViolations(page, `${p.name} at ${width} width`);
        await expectNoHorizontalOverflow(page, `${p.name} at ${width} width`);
      });
    }

    test("page contents: subscriptions, payments with refunds and invoice links, licenses masked, wallet balances", async () => {
      const { subs, payments, licenseKey } = world;
      await page.goto(`${world.server.url}/portal`);
      await hydrated(page);
      await expect(page.getByTestId(`overview-subscription-${subs.pro.id}`)).toContainText("$19.00 per month");
      await expect(page.getByTestId("wallet-balance-USD")).toContainText("$37.50");
      await expect(page.getByTestId("wallet-balance-KRW")).toContainText("₩18,000");

      await page.getByTestId("nav-billing").click();
      await expect(page.getByTestId("page-billing")).toBeVisible();
      const rows = page.getByTestId("billing-list").locator("> li");
      // Newest first.
      await expect(rows.first()).toHaveAttribute("data-testid", `payment-${payments.usdPaid.id}`);
      await expect(page.getByTestId(`payment-${payments.krwRefunded.id}`)).toHaveAttribute("data-status", "partially_refunded");
      await expect(page.getByTestId(`payment-${payments.krwRefunded.id}`).getByTestId("payment-refunded")).toContainText("₩20,000");
      await expect(page.getByTestId(`payment-${payments.usdFullyRefunded.id}`)).toHaveAttribute("data-status", "refunded");
      await expect(page.getByTestId(`payment-${payments.usdFailed.id}`).getByTestId("invoice-link")).toHaveCount(0);
      await expect(page.getByTestId(`payment-${payments.krwPaid.id}`).getByTestId("invoice-link")).toHaveAttribute("href", `/portal/invoices/${payments.krwPaid.id}`);
      await expect(page.getByTestId(`payment-${world.payments.sam.id}`)).toHaveCount(0);

      await page.getByTestId("nav-licenses").click();
      const card = page.getByTestId(`license-${licenseKey.id}`);
      // First wait for the masked key to be there: a "not" check on a page still loading passes.
      await expect(card.getByTestId("license-key")).toContainText(licenseKey.key.slice(-5));
      await expect(card.getByTestId("license-key")).not.toHaveText(licenseKey.key);
      await expect(card.getByTestId("license-activations")).toHaveText("2 of 3 used");
      await card.getByTestId("license-reveal").click();
      await expect(card.getByTestId("license-key")).toHaveText(licenseKey.key);
      // The copy button exists only once JavaScript runs, and copies the key. "Copied" shows for
      // 2 s: the page's clock stands still meanwhile, so a slow check cannot miss it. The clock is
      // installed at a set time and paused an hour later (a jump that can never lie in the page's
      // past, as "now + 1 s" can when the browser takes over a second to get the call).
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: world.server.url });
      await page.clock.install({ time: new Date("2030-01-01T00:00:00Z") });
      await page.clock.pauseAt(new Date("2030-01-01T01:00:00Z"));
      await card.getByTestId("license-copy").click();
      await expect(card.getByTestId("license-copy")).toHaveText("Copied");
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(licenseKey.key);
      await page.clock.runFor(2000);
      await expect(card.getByTestId("license-copy")).toHaveText("Copy key");
      await page.clock.resume();
    });
  });
}

test.describe("Korean UI", () => {
  // Two tests, not one: each page's screenshot and axe scan take a while on a loaded machine,
  // and each test stays well inside the per-test bound.
  test("a session minted with locale ko shows Korean on every page", async ({ browser }) => {
    const context = await browser.newContext({ viewport: WIDTHS.phone, locale: "en-US" });
    const page = await context.newPage();
    await world.signIn(page, { locale: "ko" });
    // The document and the portal root carry the page language, for screen readers.
    await expect(page.locator("html")).toHaveAttribute("lang", "ko");
    await expect(page.locator(".portal")).toHaveAttribute("lang", "ko");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("김민지님, 안녕하세요");
    await expect(page.getByRole("heading", { name: "이용 중인 구독" })).toBeVisible();
    await expect(page.getByTestId("sign-out")).toHaveText("로그아웃");
    for (const [nav, heading] of [
      ["billing", "결제 내역"],
      ["subscriptions", "구독"],
      ["licenses", "라이선스 키"],
      ["wallet", "지갑"],
      ["usage", "사용량"],
      ["profile", "프로필"],
    ] as const) {
      await page.getByTestId(`nav-${nav}`).click();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await screenshot(page, `${nav}-ko`, "phone");
      await expectNoSeriousAxeViolations(page, `${nav} in Korean`);
    }
    await context.close();
  });

  test("the switcher goes from Korean to English on the page it is on, and back", async ({ browser }) => {
    const context = await browser.newContext({ viewport: WIDTHS.phone, locale: "en-US" });
    const page = await context.newPage();
    await world.signIn(page, { locale: "ko" });
    await page.getByTestId("nav-wallet").click();
    // The switcher sends the page it is on: wait until that is the wallet, not the page before.
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("지갑");
    await page.getByTestId("language-select").selectOption("en");
    await page.getByTestId("language-submit").click();
    await expect(page).toHaveURL(`${world.server.url}/portal/wallet`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Wallet");
    await expect(page.getByTestId("sign-out")).toHaveText("Sign out");
    // The choice is kept in the browser session: a fresh load stays English.
    await page.goto(`${world.server.url}/portal`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hello, 김민지");
    await hydrated(page);
    await page.getByTestId("language-select").selectOption("ko");
    await page.getByTestId("language-submit").click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("김민지님, 안녕하세요");
    await context.close();
  });

  // Dates in the data move every day, so the committed copies are refreshed only when asked:
  // UPDATE_README_SCREENSHOTS=1 npx playwright test portal-pages -g README
  test("the overview screenshots for the README (Korean customer, Korean UI)", async ({ browser }) => {
    const out = path.join(ROOT, "docs/screenshots");
    const update = Boolean(process.env.UPDATE_README_SCREENSHOTS);
    if (update) fs.mkdirSync(out, { recursive: true });
    for (const [width, file] of [
      ["desktop", "portal-overview-desktop.png"],
      ["phone", "portal-overview-phone.png"],
    ] as const) {
      const context = await browser.newContext({ viewport: WIDTHS[width], locale: "ko-KR" });
      const page = await context.newPage();
      await world.signIn(page, { locale: "ko" });
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("김민지님, 안녕하세요");
      const shot = await screenshot(page, "overview-ko", width);
      if (update) fs.copyFileSync(shot, path.join(out, file));
      await context.close();
    }
  });
});

test("a flow deep link (license_keys) lands on the licenses page", async ({ page }) => {
  await world.signIn(page, { flow: { type: "license_keys" } });
  await expect(page).toHaveURL(`${world.server.url}/portal/licenses`);
  await expect(page.getByTestId("page-licenses")).toBeVisible();
  await expect(page.getByTestId(`license-${world.licenseKey.id}`)).toBeVisible();
});

test("the English customer sees only their own data", async ({ page }) => {
  await world.signIn(page, { customerId: world.customers.sam.id });
  await expect(page.getByTestId("portal-customer")).toContainText("Sam Taylor");
  await expect(page.getByTestId(`overview-subscription-${world.subs.sam.id}`)).toBeVisible();
  await expect(page.getByTestId(`overview-subscription-${world.subs.pro.id}`)).toHaveCount(0);
  await expect(page.getByText("김민지")).toHaveCount(0);
  await page.goto(`${world.server.url}/portal/licenses`);
  await expect(page.getByTestId(`instance-${world.samInstance}`)).toBeVisible();
  await expect(page.getByTestId(`license-${world.licenseKey.id}`)).toHaveCount(0);
});

test("the axe and overflow checks fail on a real defect (a nameless button, a too-wide element)", async ({ page }) => {
  await page.setViewportSize(WIDTHS.phone);
  await world.signIn(page);
  await page.evaluate(() => {
    const main = document.querySelector("main")!;
    main.insertAdjacentHTML("afterbegin", '<button type="button"></button><div style="width:600px;height:1px"></div>');
  });
  await expect(expectNoSeriousAxeViolations(page, "a page with a nameless button")).rejects.toThrow(/button-name \(critical\)/);
  await expect(expectNoHorizontalOverflow(page, "a page with a 600px element")).rejects.toThrow(/wider than the viewport/);
});
