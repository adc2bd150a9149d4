import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../setup/api";
import { startServer, type TestServer } from "../setup/server";
import { startWithTwoMerchants } from "./merchant-helpers";
import { forgeToken, h1, postForm, readDb, request, sessionCookie, tokenOf, writeDb } from "./portal-helpers";

const EXPIRED_TITLE = "This link has expired or was already used";
let server: TestServer;
let api: ApiClient;
let otherApi: ApiClient;
let merchantId: string;
let customerId: string;
let otherCustomerId: string;

const MIN = 60_000;

async function mint(body: Record<string, unknown> = {}, forCustomer = customerId) {
  const res = await api.post(`/customers/${forCustomer}/portal-sessions`, body);
  expect(res.status).toBe(201);
  return res.body as { id: string; url: string; kind: string; return_url: string | null; expires_at: string; created_at: string };
}

/** Mints a redirect link and exchanges it: the browser's session cookie. */
async function signIn(forCustomer = customerId) {
  const ps = await mint({}, forCustomer);
  const res = await request(ps.url);
  expect(res.status).toBe(303);
  return { ps, cookie: sessionCookie(res)! };
}

/** The page every token failure shows: 401, the one title, no cookie. */
function expectRejected(res: Awaited<ReturnType<typeof request>>) {
  expect(res.status).toBe(401);
  expect(h1(res.text)).toBe(EXPIRED_TITLE);
  expect(sessionCookie(res)).toBeNull();
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

beforeAll(async () => {
  ({ server, api, otherApi, merchant: { id: merchantId } } = await startWithTwoMerchants({ env: { RATE_LIMIT_SCALE: "100" } }));
  customerId = (await api.post("/customers", { email: "jane@example.com", name: "Jane Doe" })).body.id;
  otherCustomerId = (await otherApi.post("/customers", { email: "jane@example.com", name: "Other Jane" })).body.id;
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await server.setClock(0);
});

describe("POST /customers/{id}/portal-sessions", () => {
  it("mints a redirect link by default: API.md shape, absolute url, 1 hour", async () => {
    const ps = await mint({ locale: "ko", return_url: "https://acme.example/account", flow: { type: "license_keys" } });
    expect(ps).toMatchObject({
      object: "portal_session",
      customer_id: customerId,
      kind: "redirect",
      return_url: "https://acme.example/account",
      locale: "ko",
      flow: { type: "license_keys" },
    });
    expect(ps.id).toMatch(/^ps_[0-9A-Za-z]{22}$/);
    expect(ps.url.startsWith(`${server.url}/portal/session/`)).toBe(true);
    expect(Date.parse(ps.expires_at) - Date.parse(ps.created_at)).toBe(3600_000);
    // The token carries ids only: no email, no name.
    const payload = Buffer.from(tokenOf(ps.url).split(".")[1], "base64url").toString();
    expect(payload).not.toContain("jane");
    expect(JSON.parse(payload)).toMatchObject({ sub: customerId, mid: merchantId, jti: ps.id, aud: "portico:portal", iss: server.url });
  });

  it("send_email makes an email link that lives 24 hours; expires_in overrides", async () => {
    const email = await mint({ send_email: true });
    expect(email.kind).toBe("email");
    expect(Date.parse(email.expires_at) - Date.parse(email.created_at)).toBe(86_400_000);
    const short = await mint({ expires_in: 300 });
    expect(Date.parse(short.expires_at) - Date.parse(short.created_at)).toBe(300_000);
  });

  it.each([
    [{ expires_in: 299 }, 422, "expires_in"],
    [{ expires_in: 604_801 }, 422, "expires_in"],
    [{ expires_in: 600.5 }, 422, "expires_in"],
    [{ return_url: "javascript:alert(1)" }, 422, "return_url"],
    [{ return_url: "ftp://acme.example/" }, 422, "return_url"],
    [{ return_url: "not a url" }, 422, "return_url"],
    [{ locale: "<script>" }, 422, "locale"],
    [{ flow: { type: "teleport" } }, 422, "flow.type"],
    [{ flow: { type: "subscription_cancel" } }, 422, "flow.subscription_id"],
    [{ send_email: "yes" }, 422, "send_email"],
    [{ surprise: 1 }, 400, "surprise"],
  ])("refuses %j with %i param %s and writes nothing", async (body, status, param) => {
    const before = readDb<{ n: number }>(server.dbFile, "select count(*) n from portal_sessions")[0].n;
    const res = await api.post(`/customers/${customerId}/portal-sessions`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.param).toBe(param);
    expect(readDb<{ n: number }>(server.dbFile, "select count(*) n from portal_sessions")[0].n).toBe(before);
  });

  it("refuses a return_url off the merchant's allowed hosts, and uses the default without one", async () => {
    const settings = JSON.parse(readDb<{ s: string }>(server.dbFile, "select portal_settings s from merchants where id = ?", merchantId)[0].s);
    settings.branding.allowed_return_hosts = ["acme.example"];
    settings.branding.default_return_url = "https://acme.example/home";
    writeDb(server.dbFile, "update merchants set portal_settings = ? where id = ?", JSON.stringify(settings), merchantId);
    const off = await api.post(`/customers/${customerId}/portal-sessions`, { return_url: "https://evil.example/" });
    expect(off.status).toBe(422);
    expect(off.body.error.param).toBe("return_url");
    expect((await mint()).return_url).toBe("https://acme.example/home");
    expect((await mint({ return_url: "https://ACME.example/x" })).return_url).toBe("https://acme.example/x");
  });

  it("answers 404 for another merchant's customer and for a flow naming someone else's object", async () => {
    expect((await api.post(`/customers/${otherCustomerId}/portal-sessions`, {})).status).toBe(404);
    expect((await api.post(`/customers/cus_doesnotexist000000000000/portal-sessions`, {})).status).toBe(404);
    const flow = await api.post(`/customers/${customerId}/portal-sessions`, { flow: { type: "subscription_cancel", subscription_id: "sub_notyours00000000000000" } });
    expect(flow.status).toBe(404);
    expect(flow.body.error.param).toBe("flow.subscription_id");
    const invoice = await api.post(`/customers/${customerId}/portal-sessions`, { flow: { type: "invoice", payment_id: "pay_notyours00000000000000" } });
    expect(invoice.status).toBe(404);
  });

  // A redirect link is checked inside the write, an e-mail link before it (it is rendered with
  // the customer's name): the order of the checks, and what a refused mint leaves, are the same.
  it.each([false, true])("checks the customer, then return_url, then the flow, and writes nothing when refused (send_email %s)", async (sendEmail) => {
    const count = (table: string) => readDb<{ n: number }>(server.dbFile, `select count(*) n from ${table}`)[0].n;
    const before = ["portal_sessions", "webhook_events", "audit_log", "mail_outbox"].map(count);
    const badUrl = "javascript:alert(1)"; // refused whatever the merchant allows
    const notYours = { type: "subscription_cancel", subscription_id: "sub_notyours00000000000000" };
    const unknown = await api.post(`/customers/cus_doesnotexist000000000000/portal-sessions`, { send_email: sendEmail, return_url: badUrl, flow: notYours });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.param]).toEqual([404, "resource_missing", undefined]);
    const url = await api.post(`/customers/${customerId}/portal-sessions`, { send_email: sendEmail, return_url: badUrl, flow: notYours });
    expect([url.status, url.body.error.param]).toEqual([422, "return_url"]);
    const flow = await api.post(`/customers/${customerId}/portal-sessions`, { send_email: sendEmail, flow: notYours });
    expect([flow.status, flow.body.error.param]).toEqual([404, "flow.subscription_id"]);
    expect(["portal_sessions", "webhook_events", "audit_log", "mail_outbox"].map(count)).toEqual(before);
  });

  it("emits portal_session.created in the same transaction, without the link", async () => {
    const ps = await mint();
    const [event] = readDb<{ payload: string }>(server.dbFile, "select payload from webhook_events where type = 'portal_session.created' and payload like ?", `%${ps.id}%`);
    const body = JSON.parse(event.payload);
    expect(body.data.object).toMatchObject({ id: ps.id, object: "portal_session", customer_id: customerId, url: null });
  });

  it("keeps a redirect mint's 404 under its Idempotency-Key and replays it, as every write's first response", async () => {
    const path = "/customers/cus_doesnotexist000000000000/portal-sessions";
    const first = await api.post(path, {}, { "Idempotency-Key": "ps-missing" });
    const again = await api.post(path, {}, { "Idempotency-Key": "ps-missing" });
    expect([first.status, again.status]).toEqual([404, 404]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("replays an idempotent request with the same link", async () => {
    const first = await api.post(`/customers/${customerId}/portal-sessions`, {}, { "Idempotency-Key": "ps-once" });
    const again = await api.post(`/customers/${customerId}/portal-sessions`, {}, { "Idempotency-Key": "ps-once" });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });
});

describe("the exchange", () => {
  it("GET of a redirect link: 303 to the clean URL, a safe cookie, then the signed-in shell", async () => {
    const ps = await mint({ return_url: "https://acme.example/back" });
    const res = await request(ps.url);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/portal");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const line = res.setCookie.find((c) => c.startsWith("portico_session="))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/Secure/); // PUBLIC_URL is http here; https adds Secure and __Host-
    const portal = await request(`${server.url}/portal`, { cookie: sessionCookie(res)! });
    expect(portal.status).toBe(200);
    expect(portal.headers.get("cache-control")).toBe("no-store");
    expect(portal.text).toContain("Jane Doe");
    expect(portal.text).toContain("jane@example.com");
    expect(portal.text).toContain("https://acme.example/back");
    expect(portal.text).toContain("Sign out");
  });

  it("stores only a hash of the cookie's 256-bit id", async () => {
    const { ps, cookie } = await signIn();
    const value = decodeURIComponent(cookie.split("=")[1]);
    const id = JSON.parse(Buffer.from(value.split(".")[0], "base64").toString()) as string;
    expect(Buffer.from(id, "base64url")).toHaveLength(32);
    const rows = readDb<{ id_hash: string }>(server.dbFile, "select id_hash from browser_sessions where portal_session_id = ?", ps.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].id_hash).not.toContain(id);
  });

  it("lands on the flow's page", async () => {
    const ps = await mint({ flow: { type: "profile" } });
    expect((await request(ps.url)).location).toBe("/portal/profile");
  });

  it("a spent redirect link is refused on replay, but the browser holding its session goes to the portal", async () => {
    const ps = await mint();
    const first = await request(ps.url);
    const cookie = sessionCookie(first)!;
    expectRejected(await request(ps.url));
    const sameBrowser = await request(ps.url, { cookie });
    expect(sameBrowser.status).toBe(303);
    expect(sameBrowser.location).toBe("/portal");
    expect(sessionCookie(sameBrowser)).toBeNull();
  });

  it("20 concurrent exchanges of one link make exactly one session", async () => {
    const ps = await mint();
    const results = await Promise.all(Array.from({ length: 20 }, () => request(ps.url)));
    const winners = results.filter((r) => r.status === 303 && sessionCookie(r));
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(19);
    expect(results.every((r) => r.status !== 500)).toBe(true);
    expect(readDb(server.dbFile, "select 1 from browser_sessions where portal_session_id = ?", ps.id)).toHaveLength(1);
  });

  it("an email link: GET and HEAD only render Continue; the button's POST exchanges it once", async () => {
    const ps = await mint({ send_email: true });
    const get = await request(ps.url);
    expect(get.status).toBe(200);
    expect(h1(get.text)).toBe("Continue to Acme billing");
    expect(get.text).toMatch(/<form method="post">/);
    expect(get.text).not.toMatch(/http-equiv="refresh"/i);
    expect(sessionCookie(get)).toBeNull();
    expect((await request(ps.url, { method: "HEAD" })).status).toBe(200);
    expect(readDb<{ spent_at: number | null }>(server.dbFile, "select spent_at from portal_sessions where id = ?", ps.id)[0].spent_at).toBeNull();

    const post = await postForm(ps.url, { intent: "continue" });
    expect(post.status).toBe(303);
    expect(post.location).toBe("/portal");
    expect(sessionCookie(post)).not.toBeNull();
    expectRejected(await postForm(ps.url, { intent: "continue" }));
    expectRejected(await request(ps.url));
  });

  it("HEAD of a redirect link spends nothing", async () => {
    const ps = await mint();
    expect((await request(ps.url, { method: "HEAD" })).status).toBe(200);
    expect((await request(ps.url)).status).toBe(303);
  });

  it("refuses cross-site posts with 403 and changes nothing", async () => {
    const ps = await mint({ send_email: true });
    expect((await postForm(ps.url, { intent: "continue" }, { site: "cross-site" })).status).toBe(403);
    expect((await postForm(ps.url, { intent: "continue" }, { site: "same-site" })).status).toBe(403);
    const noFetchMeta = await request(ps.url, {
      method: "POST",
      body: "intent=continue",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
    });
    expect(noFetchMeta.status).toBe(403);
    expect(readDb<{ spent_at: number | null }>(server.dbFile, "select spent_at from portal_sessions where id = ?", ps.id)[0].spent_at).toBeNull();
    const sameOrigin = await request(ps.url, {
      method: "POST",
      body: "intent=continue",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
    });
    expect(sameOrigin.status).toBe(303);
  });

  it("a link expires with its expires_at (DB) — one second before is still good", async () => {
    // A stopped clock: the boundary is exact however long the requests take.
    const t0 = await server.freezeClock();
    const ps = await mint({ send_email: true, expires_in: 300 });
    expect(Date.parse(ps.expires_at)).toBe(t0 + 300_000);
    await server.freezeClock(t0 + 299_000);
    expect((await request(ps.url)).status).toBe(200);
    await server.freezeClock(t0 + 300_000);
    expectRejected(await request(ps.url));
  });
});

describe("every bad token gets the same 401 page, no cookie, never a 500", () => {
  const cases: [string, () => Promise<string>][] = [
    ["tampered payload", async () => {
      const [h, p, s] = tokenOf((await mint()).url).split(".");
      const claims = JSON.parse(Buffer.from(p, "base64url").toString());
      return `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: otherCustomerId })).toString("base64url")}.${s}`;
    }],
    ["tampered signature", async () => {
      const t = tokenOf((await mint()).url);
      return t.slice(0, -2) + (t.endsWith("AA") ? "BB" : "AA");
    }],
    ["alg none", async () => {
      const [, p] = tokenOf((await mint()).url).split(".");
      return `${Buffer.from(JSON.stringify({ alg: "none", typ: "portal-link+jwt", kid: "k1" })).toString("base64url")}.${p}.`;
    }],
    ["another secret", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id }, secret: "another-secret-0123456789abcdef0123456789" })],
    ["unknown kid", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id }, header: { kid: "k2" } })],
    ["hostile kid", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id }, header: { kid: "../../../../etc/passwd" } })],
    ["wrong typ", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id }, header: { typ: "JWT" } })],
    ["wrong iss", async () => forgeToken({ issuer: "https://evil.example", claims: { sub: customerId, mid: merchantId, jti: (await mint()).id } })],
    ["wrong aud", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id, aud: "other" } })],
    ["expired", async () => {
      const nowS = Math.floor(Date.now() / 1000);
      return forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id, iat: nowS - 900, nbf: nowS - 900, exp: nowS - 60 } });
    }],
    ["not yet valid", async () => {
      const nowS = Math.floor(Date.now() / 1000);
      return forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: (await mint()).id, nbf: nowS + 120 } });
    }],
    ["unknown jti (valid signature)", async () => forgeToken({ issuer: server.url, claims: { sub: customerId, mid: merchantId, jti: "ps_neverissued0000000000000" } })],
    ["revoked", async () => {
      const ps = await mint();
      expect((await api.del(`/portal-sessions/${ps.id}`)).status).toBe(200);
      return tokenOf(ps.url);
    }],
    ["a customer of another merchant (signed jti of ours)", async () => forgeToken({ issuer: server.url, claims: { sub: otherCustomerId, mid: merchantId, jti: (await mint()).id } })],
    ["our customer under another merchant id", async () => {
      const otherMerchant = readDb<{ merchant_id: string }>(server.dbFile, "select merchant_id from customers where id = ?", otherCustomerId)[0].merchant_id;
      return forgeToken({ issuer: server.url, claims: { sub: customerId, mid: otherMerchant, jti: (await mint()).id } });
    }],
    ["a deleted customer", async () => {
      const c = (await api.post("/customers", { email: `gone-${Date.now()}@example.com` })).body.id as string;
      const ps = await mint({}, c);
      expect((await api.del(`/customers/${c}`)).status).toBe(200);
      return tokenOf(ps.url);
    }],
    ["2 segments", async () => tokenOf((await mint()).url).split(".").slice(0, 2).join(".")],
    ["4 segments", async () => `${tokenOf((await mint()).url)}.AAAA`],
    ["junk base64", async () => "%21%21%21.%40%40%40.%23%23%23"],
    ["over the length cap (8 KB)", async () => `${"A".repeat(4000)}.${"B".repeat(4000)}.C`],
  ];

  it.each(cases)("%s", async (_label, make) => {
    const token = await make();
    expectRejected(await request(`${server.url}/portal/session/${token}`));
    const post = await postForm(`${server.url}/portal/session/${token}`, { intent: "continue" });
    expectRejected(post);
  });

  it("a 200 KB token never reaches the app and never causes a 500", async () => {
    const res = await request(`${server.url}/portal/session/${"A".repeat(100_000)}.${"B".repeat(100_000)}.C`);
    expect([401, 414, 431]).toContain(res.status);
    expect(sessionCookie(res)).toBeNull();
  });

  it("never logs a token", async () => {
    const ps = await mint();
    const res = await request(ps.url);
    await server.requestLogged(res.headers.get("x-request-id")); // the line a leak would be in
    expect(server.logs.join("\n")).not.toContain(tokenOf(ps.url).split(".")[2]);
  });
});

describe("browser sessions", () => {
  it("DELETE /portal-sessions/{id} ends the open session at once; another merchant gets 404", async () => {
    const { ps, cookie } = await signIn();
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
    expect((await otherApi.del(`/portal-sessions/${ps.id}`)).status).toBe(404);
    const revoked = await api.del(`/portal-sessions/${ps.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ id: ps.id, object: "portal_session", revoked: true });
    const after = await request(`${server.url}/portal`, { cookie });
    expect(after.status).toBe(401);
    expect(after.text).not.toContain("Jane Doe");
    expect((await api.del("/portal-sessions/ps_doesnotexist00000000000")).status).toBe(404);
  });

  it("deleting the customer ends their sessions", async () => {
    const c = (await api.post("/customers", { email: `leaving-${Date.now()}@example.com`, name: "Leaving Soon" })).body.id as string;
    const { cookie } = await signIn(c);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
    await api.del(`/customers/${c}`);
    const after = await request(`${server.url}/portal`, { cookie });
    expect(after.status).toBe(401);
    expect(after.text).not.toContain("Leaving Soon");
  });

  it("idle for 30 minutes ends a session; activity keeps it alive", async () => {
    const t0 = await server.freezeClock(); // signed in at t0 exactly
    const { cookie } = await signIn();
    await server.freezeClock(t0 + 30 * MIN - 1000);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200); // activity at 29:59
    await server.freezeClock(t0 + 30 * MIN - 1000 + 30 * MIN - 1000);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200); // idle 29:59
    await server.freezeClock(t0 + 30 * MIN - 1000 + 30 * MIN - 1000 + 30 * MIN);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(401); // idle 30:00
  });

  it("ends after 8 hours however active", async () => {
    const t0 = await server.freezeClock(); // signed in at t0 exactly
    const { cookie } = await signIn();
    for (let t = 25 * MIN; t < 8 * 60 * MIN; t += 25 * MIN) {
      await server.freezeClock(t0 + t);
      expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
    }
    await server.freezeClock(t0 + 8 * 60 * MIN - 1000);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
    await server.freezeClock(t0 + 8 * 60 * MIN);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(401);
  });

  it("sign-out ends the session; the back button shows nothing (no-store, then 401)", async () => {
    const { cookie } = await signIn();
    const page = await request(`${server.url}/portal`, { cookie });
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect((await postForm(`${server.url}/portal/sign-out`, {}, { cookie, site: "cross-site" })).status).toBe(403);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
    const out = await postForm(`${server.url}/portal/sign-out`, {}, { cookie });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/p/acme?signed_out=1");
    expect(out.setCookie.join()).toMatch(/portico_session=;.*Expires=Thu, 01 Jan 1970/);
    const back = await request(`${server.url}/portal`, { cookie });
    expect(back.status).toBe(401);
    expect(back.headers.get("cache-control")).toBe("no-store");
    expect(back.text).not.toContain("Jane Doe");
    expect(back.text).toContain("You are signed out");
    expect(back.text).toContain('href="/p/acme"');
  });

  it("GET /portal/sign-out changes nothing", async () => {
    const { cookie } = await signIn();
    expect((await request(`${server.url}/portal/sign-out`, { cookie })).status).toBe(303);
    expect((await request(`${server.url}/portal`, { cookie })).status).toBe(200);
  });

  it("no cookie, or a forged one, is signed out", async () => {
    expect((await request(`${server.url}/portal`)).status).toBe(401);
    expect((await request(`${server.url}/portal`, { cookie: "portico_session=forged" })).status).toBe(401);
  });

  it("speaks Korean when the session's locale is ko", async () => {
    const ps = await mint({ locale: "ko" });
    const cookie = sessionCookie(await request(ps.url))!;
    const page = await request(`${server.url}/portal`, { cookie });
    expect(page.text).toContain("로그아웃");
  });
});

describe("rate limits at the real scale", () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer();
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it("token pages: 30 a minute per IP, then 429 with Retry-After", async () => {
    await limited.freezeClock(); // no refill while the 31 requests run, however slowly
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await request(`${limited.url}/portal/session/junk.junk.junk`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    const res = await request(`${limited.url}/portal/session/junk.junk.junk`);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
