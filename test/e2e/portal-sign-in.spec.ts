import { expect, test, type Request } from "@playwright/test";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";
import { readDb } from "../api/portal-helpers";
import { hydrated } from "./fixtures";

let smtp: SmtpCapture;
let server: TestServer;
let api: ApiClient;
let customerId: string;

test.beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { SMTP_URL: smtp.url, RATE_LIMIT_SCALE: "100" } });
  const m = createMerchant(server.dbFile, "Acme", "acme");
  api = apiClient(server.url, m.apiKey);
  customerId = (await api.post("/customers", { email: "e2e@example.com", name: "Eve Example" })).body.id;
});
test.afterAll(async () => {
  if (process.env.E2E_DUMP_LOGS) (await import("node:fs")).writeFileSync("test-results/server.log", server.logs.join("\n"));
  await server?.stop();
  await smtp?.close();
});

async function emailedLink() {
  const ps = (await api.post(`/customers/${customerId}/portal-sessions`, { send_email: true })).body as { id: string; url: string };
  const mail = await smtp.waitFor((m) => m.text.includes(ps.url));
  const code = /\b([A-Z0-9]{6})\b/.exec(mail.text.split(/one-time code[^\n]*\n/i)[1] ?? "")?.[1] ?? "";
  return { ...ps, code };
}

const spentAt = (id: string) => readDb<{ spent_at: number | null }>(server.dbFile, "select spent_at from portal_sessions where id = ?", id)[0].spent_at;

test("open the emailed link, press Continue, land in the portal shell", async ({ page }) => {
  const link = await emailedLink();
  await page.goto(link.url);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Continue to Acme billing" })).toBeVisible();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${server.url}/portal`);
  await hydrated(page); // a new document (the Continue form posts without JavaScript's help)
  await expect(page.getByTestId("portal-customer")).toContainText("Eve Example");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.screenshot({ path: "test-results/portal-shell.png" });

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/p\/acme/);
  await page.goBack();
  // The page Back shows has loaded (the signed-out answer), then it is known to hold no data.
  await expect(page.getByText("You are signed out")).toBeVisible();
  await expect(page.getByText("Eve Example")).toHaveCount(0);
});

test("a headless load of the emailed link (as a mail scanner) spends nothing", async ({ page }) => {
  const link = await emailedLink();
  const requests: Request[] = [];
  page.on("request", (r) => requests.push(r));
  await page.goto(link.url);
  // Effects run child first, so anything the page starts on load has started once the root's
  // effect marks it hydrated; wait until each of those requests has been answered.
  await hydrated(page);
  await Promise.all(requests.map((r) => r.response()));
  expect(requests.filter((r) => r.method() !== "GET").map((r) => `${r.method()} ${r.url()}`)).toEqual([]);
  expect(spentAt(link.id)).toBeNull();
  // The customer can still use it afterwards.
  await page.goto(link.url);
  await hydrated(page);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${server.url}/portal`);
  expect(spentAt(link.id)).not.toBeNull();
});

test("sign in with the code instead of the link", async ({ page }) => {
  await page.goto(`${server.url}/p/acme`);
  await hydrated(page);
  const before = smtp.messages.length;
  await page.getByLabel("Email address").fill("e2e@example.com");
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.subject === "Your Acme sign-in link");
  const code = /\b([A-Z0-9]{6})\b/.exec(mail.text.split(/one-time code[^\n]*\n/i)[1] ?? "")?.[1] ?? "";
  await hydrated(page);
  await page.getByLabel("One-time code").fill(code);
  await page.getByRole("button", { name: "Sign in with code" }).click();
  await page.waitForURL(`${server.url}/portal`);
  await expect(page.getByTestId("portal-customer")).toContainText("e2e@example.com");
});
