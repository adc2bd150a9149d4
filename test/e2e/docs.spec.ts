import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "../setup/server";

// /docs: the API reference rendered from the served OpenAPI document by the bundled Swagger UI,
// under the app's own Content-Security-Policy, linked from the home page.
let server: TestServer;
// Failure bounds, not expectations: on a loaded 2-core machine Swagger UI takes 25–30 s from the
// page load to its last operation rendered (the bundle's parse, then 46 operations).
const RENDERED = { timeout: 60_000 };
test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
});

test("the home page links to /docs, which renders every operation with no CSP violation", async ({ page }) => {
  const violations: string[] = [];
  const refused: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
  });
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));

  await page.goto(`${server.url}/`);
  await page.waitForSelector("html[data-hydrated=true]");
  await page.getByTestId("docs-link").click();
  await expect(page).toHaveURL(`${server.url}/docs`);
  const response = await page.request.get(`${server.url}/docs`);
  expect(response.headers()["content-security-policy"]).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'/);

  await expect(page.getByTestId("api-reference")).toHaveAttribute("data-state", "ready", RENDERED);
  // Operations from the document, new ones included.
  const doc = (await (await page.request.get(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
  await expect(page.locator(".opblock")).toHaveCount(operations, RENDERED);
  for (const path of ["/customers/{id}/billing-overview", "/customers/{id}/entitlements/{feature}/check", "/customers/{id}/usage"]) {
    await expect(page.locator(`.opblock-summary-path[data-path="${path}"]`).first()).toBeVisible();
  }
  await expect(page.locator(".opblock-put")).toHaveCount(1);

  violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])));
  expect(violations).toEqual([]);
  expect(refused).toEqual([]);
  // Nothing loaded from anywhere but this server (no CDN).
  expect(requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"))).toEqual([]);
});

test("the CSP check would catch a violation", async ({ page }) => {
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(e.violatedDirective);
    });
  });
  await page.goto(`${server.url}/docs`);
  await expect(page.getByTestId("api-reference")).toHaveAttribute("data-state", "ready", RENDERED);
  // A request to another origin breaks connect-src 'self'.
  await page.evaluate(() => fetch("http://127.0.0.2:9/").catch(() => null));
  await expect.poll(() => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toContainEqual(expect.stringMatching(/^connect-src/));
});
