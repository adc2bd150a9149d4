import { expect, test, type Page } from "@playwright/test";
import {
  expectNoHorizontalOverflow,
  expectNoSeriousAxeViolations,
  hydrated,
  noJsContext,
  portalWorldPerFile,
  screenshot,
  WIDTHS,
  type WidthName,
} from "./fixtures";

// The usage page (PRODUCT.md "Usage"): one meter per entitlement with ARIA meter values, the
// limit marked in words, when it resets; English and Korean at a phone and a desktop width with
// axe; the `usage` portal setting.
const world = portalWorldPerFile();

const STRINGS = {
  en: {
    heading: "Usage",
    apiCalls: "6,420 of 10,000 calls used",
    seats: "5 of 5 seats used",
    storage: "12 GB used (unlimited)",
    reached: "Limit reached",
    resets: /Resets on \w/,
    noReset: "Does not reset",
  },
  ko: {
    heading: "사용량",
    apiCalls: "10,000 calls 중 6,420 calls 사용",
    seats: "5 seats 중 5 seats 사용",
    storage: "12 GB 사용 (무제한)",
    reached: "한도 도달",
    resets: /\d에 초기화/,
    noReset: "초기화되지 않음",
  },
} as const;

async function expectMeters(page: Page, locale: "en" | "ko") {
  const s = STRINGS[locale];
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(s.heading);
  // A meter per limited entitlement, named by its heading, with its numbers for assistive tech.
  const calls = page.getByRole("meter", { name: "API calls" });
  await expect(calls).toHaveAttribute("aria-valuenow", "6420");
  await expect(calls).toHaveAttribute("aria-valuemin", "0");
  await expect(calls).toHaveAttribute("aria-valuemax", "10000");
  await expect(calls).toHaveAttribute("aria-valuetext", s.apiCalls);
  await expect(page.getByTestId("usage-api.calls")).toContainText(s.apiCalls);
  await expect(page.getByTestId("usage-api.calls")).toContainText(s.resets);
  await expect(page.getByTestId("usage-api.calls")).not.toContainText(s.reached);

  const seats = page.getByTestId("usage-seats");
  await expect(page.getByRole("meter", { name: "Team seats" })).toHaveAttribute("aria-valuenow", "5");
  await expect(seats).toHaveAttribute("data-reached", "true");
  await expect(seats).toContainText(s.reached);
  await expect(seats).toContainText(s.noReset);

  // Unlimited: a count, not a meter (a meter needs a maximum).
  await expect(page.getByTestId("usage-storage")).toContainText(s.storage);
  await expect(page.getByTestId("meter-storage")).toHaveCount(0);
  await expect(page.getByRole("meter")).toHaveCount(2);
}

for (const width of Object.keys(WIDTHS) as WidthName[]) {
  for (const locale of ["en", "ko"] as const) {
    test(`usage page at ${width} width in ${locale}: meters, axe, no overflow`, async ({ browser }) => {
      const context = await browser.newContext({ viewport: WIDTHS[width], locale: locale === "ko" ? "ko-KR" : "en-US" });
      const page = await context.newPage();
      await world.signIn(page, { locale });
      await hydrated(page);
      await page.getByTestId("nav-usage").click();
      await expect(page).toHaveURL(`${world.server.url}/portal/usage`);
      await expect(page.getByTestId("page-usage")).toBeVisible();
      await expectMeters(page, locale);
      await screenshot(page, `usage-${locale}`, width);
      await expectNoSeriousAxeViolations(page, `usage in ${locale} at ${width} width`);
      await expectNoHorizontalOverflow(page, `usage in ${locale} at ${width} width`);
      await context.close();
    });
  }
}

test("works without JavaScript", async ({ browser }) => {
  const context = await noJsContext(browser);
  const page = await context.newPage();
  await world.signIn(page, { locale: "en" });
  await page.goto(`${world.server.url}/portal/usage`);
  await expectMeters(page, "en");
  await context.close();
});

test("a customer without entitlements sees an empty state", async ({ page }) => {
  await world.signIn(page, { customerId: world.customers.sam.id, locale: "en" });
  await page.goto(`${world.server.url}/portal/usage`);
  await expect(page.getByTestId("page-usage")).toContainText("There is no usage to show yet.");
  await expect(page.getByRole("meter")).toHaveCount(0);
});

test("new usage shows on the next load", async ({ page }) => {
  await world.signIn(page, { locale: "en" });
  const res = await world.api.post(`/customers/${world.customers.minji.id}/usage`, { feature: "api.calls", quantity: 80 });
  expect(res.status).toBe(201);
  await page.goto(`${world.server.url}/portal/usage`);
  await expect(page.getByRole("meter", { name: "API calls" })).toHaveAttribute("aria-valuenow", "6500");
  await world.api.post(`/customers/${world.customers.minji.id}/usage`, { feature: "api.calls", quantity: -80 });
});

test("the merchant's usage setting hides the page: no nav link, and the URL is a 404", async ({ page }) => {
  expect((await world.api.patch("/portal-settings", { features: { usage: { enabled: false } } })).status).toBe(200);
  try {
    await world.signIn(page, { locale: "en" });
    await expect(page.getByTestId("nav-usage")).toHaveCount(0);
    const res = await page.goto(`${world.server.url}/portal/usage`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("meter")).toHaveCount(0);
  } finally {
    expect((await world.api.patch("/portal-settings", { features: { usage: { enabled: true } } })).status).toBe(200);
  }
});
