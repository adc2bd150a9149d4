import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import { startServer, type TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";
import { readDb, request, sessionCookie } from "./portal-helpers";

// The page thread (docs/decisions/021-page-thread.md) on the built server. The test servers run
// with PORTICO_TEST_PAGE_THREAD=always (test/setup/server.ts): every page the thread may render
// is rendered there, so every portal page of the other suites goes through it too. Here: that it
// does, that it renders what the main thread renders, and that the writes a page read makes
// (the session's last-seen time, an expired session's end) reach the database from there.

let server: TestServer;
let mainOnly: TestServer;
let api: ApiClient;
let customerId: string;
const MIN = 60_000;

type Stats = { enabled: boolean; running: boolean; thread: number; local: number; starts: number; failures: number };
const statsOf = async (s: TestServer) => (await (await fetch(`${s.url}/__test/page-thread`)).json()) as Stats;

async function signIn() {
  const ps = await api.post(`/customers/${customerId}/portal-sessions`, {});
  expect(ps.status).toBe(201);
  const res = await request(ps.body.url);
  expect(res.status).toBe(303);
  return sessionCookie(res)!;
}

beforeAll(async () => {
  ({ server, api } = await startWithTwoMerchants());
  customerId = (await api.post("/customers", { email: "minji@example.com", name: "김민지" })).body.id;
  const product = await api.post("/products", { name: "Pro plan", type: "subscription", price: 1500, currency: "usd", interval: "month" });
  expect(product.status).toBe(201);
  expect((await api.post("/subscriptions", { customer_id: customerId, product_id: product.body.id })).status).toBe(201);
  const payment = await api.post("/payments", { customer_id: customerId, status: "succeeded", currency: "krw", items: [{ description: "Pro", quantity: 1, unit_amount: 19000 }] });
  expect(payment.status).toBe(201);
  // A second server on the same database with the thread off: the main thread renders every page.
  mainOnly = await startServer({ dbFile: server.dbFile, env: { PAGE_THREAD: "false" } });
});

afterAll(async () => {
  await mainOnly?.stop();
  await server?.stop();
});

describe("the page thread", () => {
  it("renders the portal's pages; the main thread renders the rest", async () => {
    const cookie = await signIn();
    const before = await statsOf(server);
    const paths = ["/portal", "/portal/billing", "/portal/subscriptions", "/portal/wallet", "/portal/licenses", "/portal/usage", "/portal/profile"];
    for (const p of paths) expect((await request(`${server.url}${p}`, { cookie })).status, p).toBe(200);
    // A HEAD and a client-side navigation's data request go there too.
    expect((await request(`${server.url}/portal/billing`, { cookie, method: "HEAD" })).status).toBe(200);
    const data = await request(`${server.url}/portal/billing?_data=routes%2Fportal.billing`, { cookie });
    expect(data.status).toBe(200);
    expect(data.headers.get("content-type")).toMatch(/application\/json/);
    const after = await statsOf(server);
    expect(after).toMatchObject({ enabled: true, running: true, failures: 0 });
    expect(after.thread - before.thread).toBe(paths.length + 2);
    expect(after.local - before.local).toBe(0);

    // The link exchange (a write) and the dashboard stay on the main thread.
    await signIn();
    expect((await request(`${server.url}/dashboard/sign-in`)).status).toBe(200);
    expect((await statsOf(server)).thread).toBe(after.thread);
    expect(await statsOf(mainOnly)).toMatchObject({ enabled: false, running: false });
  });

  it("gives each page the module script of its own path and routes (kept by the patched Scripts)", async () => {
    const cookie = await signIn();
    const subscriptionId = (await api.get(`/subscriptions?customer_id=${customerId}`)).body.data[0].id as string;
    // Scripts' module script (patches/@remix-run+react+2.17.5.patch keeps it by manifest, path
    // and matches): which route modules it imports and the routes of its inline manifest.
    const moduleScript = (html: string) => {
      const script = /<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
      const modules = Object.keys(JSON.parse(/window\.__remixRouteModules = (\{[^;]*\});/.exec(script.replace(/:route\d+/g, ":0"))![1]) as object);
      const manifest = JSON.parse(/window\.__remixManifest = (\{[\s\S]*?\});\n/.exec(script)![1]) as { routes: Record<string, unknown> };
      return { script, modules, manifestRoutes: Object.keys(manifest.routes).sort() };
    };
    const pages: Array<[string, string[]]> = [
      ["/portal/billing", ["root", "routes/portal", "routes/portal.billing"]],
      ["/portal/subscriptions", ["root", "routes/portal", "routes/portal.subscriptions._index"]],
      [`/portal/subscriptions/${subscriptionId}/cancel`, ["root", "routes/portal", "routes/portal.subscriptions.$id.cancel"]],
      ["/portal", ["root", "routes/portal", "routes/portal._index"]],
    ];
    const first = new Map<string, string>();
    for (let round = 0; round < 2; round++) {
      for (const [p, routes] of pages) {
        const res = await request(`${server.url}${p}`, { cookie });
        expect(res.status, p).toBe(200);
        const { script, modules, manifestRoutes } = moduleScript(res.text);
        expect(modules, p).toEqual(routes);
        for (const id of routes) expect(manifestRoutes, p).toContain(id);
        if (round === 0) first.set(p, script);
        else expect(script, `${p} again`).toBe(first.get(p));
        // The main thread (not kept across servers) makes the same script.
        expect(moduleScript((await request(`${mainOnly.url}${p}`, { cookie })).text).script, p).toBe(script);
      }
    }
    expect(new Set(first.values()).size).toBe(pages.length);
  });

  it("renders what the main thread renders", async () => {
    const cookie = await signIn();
    await server.freezeClock();
    const at = Date.now();
    await server.freezeClock(at);
    await mainOnly.freezeClock(at);
    // The same page from both servers, but for what differs by server or request: the origin,
    // the CSP nonce, the request id.
    const normalize = (html: string, s: TestServer) =>
      html
        .replaceAll(s.url, "ORIGIN")
        .replace(/nonce="[^"]+"/g, 'nonce=""')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "REQUEST-ID");
    for (const p of ["/portal", "/portal/billing", "/portal/subscriptions", "/portal/profile"]) {
      const inThread = await request(`${server.url}${p}`, { cookie, headers: { "Accept-Language": "ko" } });
      const onMain = await request(`${mainOnly.url}${p}`, { cookie, headers: { "Accept-Language": "ko" } });
      expect(inThread.status, p).toBe(200);
      expect(onMain.status, p).toBe(200);
      expect(normalize(inThread.text, server), p).toBe(normalize(onMain.text, mainOnly));
      expect(inThread.text, p).toContain("김민지");
      for (const h of ["content-type", "cache-control", "content-security-policy", "x-content-type-options"]) {
        expect(inThread.headers.get(h)?.replace(/'nonce-[^']+'/, ""), `${p} ${h}`).toBe(onMain.headers.get(h)?.replace(/'nonce-[^']+'/, ""));
      }
    }
    await server.setClock(0);
    await mainOnly.setClock(0);
  });

  it("has the main thread write what a page read writes: a session's last-seen time, an expired session's end", async () => {
    const t0 = await server.freezeClock();
    const cookie = await signIn();
    const row = () => readDb<{ last_seen_at: number; ended_at: number | null }>(server.dbFile, "select last_seen_at, ended_at from browser_sessions order by created_at desc limit 1")[0];
    const before = await statsOf(server);
    await server.freezeClock(t0 + 2 * MIN);
    expect((await request(`${server.url}/portal/billing`, { cookie })).status).toBe(200);
    expect(row().last_seen_at).toBe(t0 + 2 * MIN);
    await server.freezeClock(t0 + 2 * MIN + 30 * MIN);
    expect((await request(`${server.url}/portal/billing`, { cookie })).status).toBe(401);
    expect(row().ended_at).toBe(t0 + 2 * MIN + 30 * MIN);
    const after = await statsOf(server);
    expect(after.thread - before.thread).toBe(2);
    expect(after.failures).toBe(0);
    await server.setClock(0);
  });
});
