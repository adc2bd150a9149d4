import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, type MerchantFixture, type TestServer } from "../setup/server";
import {
  allTextValues,
  api,
  createStaff,
  decodeHtml,
  get,
  post,
  queryDb,
  rawSessionId,
  setClock,
  signIn,
  snapshotDb,
  stableHtml,
  staffCookie,
  staffCreate,
  testIdText,
  totpAfter,
  totpAt,
  totpNow,
  type StaffFixture,
} from "./dashboard-helpers";

// Staff accounts end to end against the built server: the CLI, setup links, sign-in (same answer
// for unknown and wrong), limits, sessions, two-factor with real TOTP codes, recent
// authentication, the cross-site guard and what is (never) stored.
// Operator commands (tsx) take seconds each on a loaded machine: tests that run several get room.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let merchant: MerchantFixture;
let owner: StaffFixture;
const MIN = 60_000;
const HOUR = 60 * MIN;

beforeAll(async () => {
  // Scaled up so the many sign-ins here never meet the per-IP limit; the lockout is not scaled.
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Auth Co", "auth-co");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@auth.example", role: "owner", name: "Olive Owner" });
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await setClock(server, 0);
});

const url = (path: string) => `${server.url}${path}`;

describe("npm run staff:create", () => {
  it("prints exactly one JSON object with --json and --password, and the password signs in", async () => {
    const out = staffCreate(server, ["--merchant", merchant.id, "--email", "  Ada@Auth.Example ", "--role", "admin", "--name", "Ada", "--password", "a long and memorable passphrase", "--json"]);
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0]);
    expect(body).toEqual({ staff: { id: expect.stringMatching(/^stf_/), email: "ada@auth.example" }, membership: { merchant_id: merchant.id, role: "admin" }, setup_url: null });
    const { location } = await signIn(server, "ADA@auth.example", "a long and memorable passphrase");
    expect(location).toBe("/dashboard");
  });

  it("without --password prints a one-time setup link (JSON and text), stored only as a hash", async () => {
    const json = staffCreate(server, ["--merchant", "auth-co", "--email", "setup-json@auth.example", "--role", "viewer", "--json"]);
    expect(json.status, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.setup_url).toMatch(new RegExp(`^${server.url}/dashboard/setup/[A-Za-z0-9_-]{43}$`));
    const token = body.setup_url.split("/").pop();
    expect(JSON.stringify(allTextValues(server.dbFile))).not.toContain(token);

    const text = staffCreate(server, ["--merchant", "auth-co", "--email", "setup-text@auth.example", "--role", "support"]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain("is now support of Auth Co");
    expect(text.stdout).toMatch(/One-time setup link \(24 hours, single use\)[^\n]*\n\s+http:\/\/127\.0\.0\.1:\d+\/dashboard\/setup\/\S{43}/);
  });

  it("adds a membership to an existing staff user, and refuses bad flags with exit code 2", { timeout: 180_000 }, async () => {
    const second = createMerchant(server.dbFile, "Second Co", "second-co");
    const multi = createStaff(server, { merchant: merchant.slug, email: "multi@auth.example", role: "support" });
    const out = staffCreate(server, ["--merchant", second.slug, "--email", "Multi@auth.example", "--role", "viewer", "--json"]);
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ staff: { id: multi.id, email: multi.email }, membership: { merchant_id: second.id, role: "viewer" }, setup_url: null });
    expect(staffCreate(server, ["--merchant", second.slug, "--email", multi.email, "--role", "viewer"]).status).toBe(1);
    // Two memberships: after sign-in the person picks a merchant.
    const { location } = await signIn(server, multi.email, multi.password);
    expect(location).toBe("/dashboard/switch?redirect_to=%2Fdashboard");

    const before = snapshotDb(server.dbFile);
    for (const [args, message] of [
      [["--merchant", "auth-co", "--email", "x@auth.example", "--role", "boss"], "--role must be one of"],
      [["--merchant", "auth-co", "--email", "not-an-email", "--role", "viewer"], "not a valid email"],
      [["--merchant", "auth-co", "--email", "short@auth.example", "--role", "viewer", "--password", "short pass"], "at least 12 characters"],
      [["--merchant", "auth-co", "--email", "common@auth.example", "--role", "viewer", "--password", "qwertyuiop123"], "common passwords"],
      [["--merchant", "auth-co", "--email", "repeat@auth.example", "--role", "viewer", "--password", "passwordpassword"], "common passwords"],
      [["--email", "x@auth.example", "--role", "viewer"], "--merchant is required"],
    ] as [string[], string][]) {
      const res = staffCreate(server, args);
      expect(res.status, args.join(" ")).toBe(2);
      expect(res.stderr).toContain(message);
    }
    expect(staffCreate(server, ["--merchant", "no-such-merchant", "--email", "x@auth.example", "--role", "viewer"]).status).toBe(1);
    expect(snapshotDb(server.dbFile)).toBe(before);
  });
});

describe("the demo", () => {
  it("seeds an owner with a random password, printed with the dashboard URL beside the API key, that signs in", async () => {
    const passwords: string[] = [];
    for (let run = 0; run < 2; run++) {
      const demo = await startServer({ env: { SEED_DEMO: "true" } });
      try {
        const printed = demo.logs.join("\n");
        expect(printed).toContain(`Dashboard:  ${demo.url}/dashboard`);
        const [, email, password] = /Sign in:\s+(\S+) \/ (\S+)/.exec(printed)!;
        expect(email).toBe("owner@hanbit.example");
        expect(password).toMatch(/^[0-9A-Za-z]{20}$/);
        passwords.push(password);
        const { location, cookie } = await signIn(demo, email, password);
        expect(location).toBe("/dashboard");
        expect(decodeHtml((await get(`${demo.url}/dashboard`, cookie)).text)).toContain("owner@hanbit.example · Owner");
        // Printed again at the next start of the same database (kept beside it, like the demo key).
        await demo.stop();
        const again = await startServer({ dbFile: demo.dbFile, env: { SEED_DEMO: "true" } });
        try {
          expect(again.logs.join("\n")).toContain(`Sign in:    ${email} / ${password}`);
        } finally {
          await again.stop();
        }
      } finally {
        await demo.stop();
      }
    }
    // No default password: each demo gets its own.
    expect(passwords[0]).not.toBe(passwords[1]);
  });
});

describe("the setup link", () => {
  const setupLink = (email: string) => JSON.parse(staffCreate(server, ["--merchant", "auth-co", "--email", email, "--role", "viewer", "--json"]).stdout).setup_url as string;

  it("sets the first password once, signs the person in, and is spent", async () => {
    const link = setupLink("first@auth.example");
    const page = await get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="page-setup"');
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(decodeHtml(page.text)).toContain("first@auth.example");

    const weak = await post(link, { name: "First", password: "password1234" });
    expect(weak.status).toBe(400);
    expect(testIdText(weak.text, "error-password")).toContain("data breaches");

    const done = await post(link, { name: "First Person", password: "my first real passphrase" });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/dashboard?notice=setup_done");
    const home = await get(url("/dashboard"), staffCookie(done));
    expect(home.status).toBe(200);
    expect(decodeHtml(home.text)).toContain("Welcome, First Person");

    expect((await get(link)).status).toBe(404);
    const again = await post(link, { password: "another real passphrase" });
    expect(again.status).toBe(404);
    expect((await post(url("/dashboard/sign-in"), { email: "first@auth.example", password: "another real passphrase" })).status).toBe(401);
  });

  it("dies after 24 hours; a newer link voids the older one", async () => {
    const first = setupLink("late@auth.example");
    const second = JSON.parse(staffCreate(server, ["--merchant", "second-co", "--email", "late@auth.example", "--role", "viewer", "--json"]).stdout).setup_url as string;
    expect((await get(first)).status).toBe(404);
    // The CLI stamped the link with its own clock: the boundary is read from the row and checked
    // exactly with the server's clock stopped (however long the commands above took).
    const [link] = queryDb<{ created: number; expires: number }>(
      server.dbFile,
      "select t.created_at created, t.expires_at expires from staff_setup_tokens t join staff_users u on u.id = t.staff_user_id where u.email = ? order by t.seq desc limit 1",
      "late@auth.example",
    );
    expect(link.expires - link.created).toBe(24 * HOUR);
    await server.freezeClock(link.expires - 1);
    expect((await get(second)).status).toBe(200);
    await server.freezeClock(link.expires);
    expect((await get(second)).status).toBe(404);
    expect((await post(second, { password: "too late for this passphrase" })).status).toBe(404);
  });
});

describe("sign-in", () => {
  it("answers an unknown email and a wrong password alike (401, one message, no cookie)", async () => {
    const unknown = await post(url("/dashboard/sign-in"), { email: "nobody@auth.example", password: "whatever whatever" });
    const wrong = await post(url("/dashboard/sign-in"), { email: owner.email, password: "whatever whatever" });
    for (const res of [unknown, wrong]) {
      expect(res.status).toBe(401);
      expect(staffCookie(res)).toBeNull();
      expect(testIdText(res.text, "sign-in-error")).toBe("The email address or password is not right.");
    }
    // The same page but for the typed address echoed back.
    expect(stableHtml(unknown.text).replaceAll("nobody@auth.example", "X")).toBe(stableHtml(wrong.text).replaceAll(owner.email, "X"));
  });

  it("sets an HttpOnly, SameSite=Lax session cookie and goes to a same-origin redirect_to only", async () => {
    const res = await post(url("/dashboard/sign-in"), { email: owner.email, password: owner.password, redirect_to: "/dashboard/settings/team?tab=1" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/dashboard/settings/team?tab=1");
    const line = res.setCookie.find((c) => c.startsWith("portico_staff="))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    for (const evil of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const r = await post(url("/dashboard/sign-in"), { email: owner.email, password: owner.password, redirect_to: evil });
      expect(r.status).toBe(303);
      expect(r.location, evil).toBe("/dashboard");
    }
  });

  it("sends a page without a session to sign-in with the path and query asked for", async () => {
    for (const path of ["/dashboard", "/dashboard/settings/team?x=1&y=2", "/dashboard/audit?action=staff.signed_in", "/dashboard/account/security", "/dashboard/customers"]) {
      const res = await get(url(path));
      expect(res.status, path).toBe(303);
      expect(res.location).toBe(`/dashboard/sign-in?redirect_to=${encodeURIComponent(path)}`);
    }
    // A forged or junk cookie is no session.
    expect((await get(url("/dashboard"), "portico_staff=bm9wZQ.junk")).status).toBe(303);
  });

  it("locks an account after 5 failures in 15 minutes (429 + Retry-After), unknown addresses alike", async () => {
    const victim = createStaff(server, { merchant: merchant.slug, email: "locked@auth.example", role: "viewer" });
    const t0 = await server.freezeClock(); // the first failure at t0 exactly: the window's end is known
    for (const email of [victim.email, "ghost@auth.example"]) {
      for (let i = 0; i < 5; i++) expect((await post(url("/dashboard/sign-in"), { email, password: `wrong password ${i}` })).status).toBe(401);
      const locked = await post(url("/dashboard/sign-in"), { email, password: email === victim.email ? victim.password : "anything at all" });
      expect(locked.status).toBe(429);
      const retry = Number(locked.headers["retry-after"]);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(15 * 60);
      expect(staffCookie(locked)).toBeNull();
      expect(testIdText(locked.text, "sign-in-error")).toBe("Too many attempts. Please wait and try again later.");
    }
    // Another account is not affected.
    expect((await post(url("/dashboard/sign-in"), { email: owner.email, password: owner.password })).status).toBe(303);
    await server.freezeClock(t0 + 15 * MIN - 1000);
    expect((await post(url("/dashboard/sign-in"), { email: victim.email, password: victim.password })).status).toBe(429);
    await server.freezeClock(t0 + 15 * MIN);
    expect((await post(url("/dashboard/sign-in"), { email: victim.email, password: victim.password })).status).toBe(303);
    const failures = queryDb<{ n: number }>(server.dbFile, "select count(*) n from audit_log where action = 'staff.sign_in_failed' and actor_id = ?", victim.id)[0].n;
    expect(failures).toBe(5);
  });

  it("limits sign-in tries per IP: 30 per 15 minutes at the real scale", async () => {
    const strict = await startServer();
    try {
      const m = createMerchant(strict.dbFile, "Strict Co", "strict");
      const staff = createStaff(strict, { merchant: m.slug, email: "ip@strict.example", role: "viewer" });
      // No refill (30 per 15 minutes is one try every 30 s) while the 31 tries run, however slowly.
      const t0 = await strict.freezeClock();
      const statuses: number[] = [];
      // Different addresses each time, so the per-account lockout plays no part.
      for (let i = 0; i < 30; i++) statuses.push((await post(`${strict.url}/dashboard/sign-in`, { email: `try${i}@strict.example`, password: "not the password" })).status);
      expect(statuses.every((s) => s === 401)).toBe(true);
      const limited = await post(`${strict.url}/dashboard/sign-in`, { email: staff.email, password: staff.password });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      await strict.freezeClock(t0 + 15 * MIN);
      expect((await post(`${strict.url}/dashboard/sign-in`, { email: staff.email, password: staff.password })).status).toBe(303);
    } finally {
      await strict.stop();
    }
  });
});

describe("sessions", () => {
  it("stores only a hash of the session id; lists, ends one, ends all others", async () => {
    const a = await signIn(server, owner.email, owner.password);
    const b = await signIn(server, owner.email, owner.password);
    const c = await signIn(server, owner.email, owner.password);
    const rawA = rawSessionId(a.cookie);
    expect(rawA).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = queryDb<{ id_hash: string }>(server.dbFile, "select id_hash from staff_sessions");
    expect(rows.some((r) => r.id_hash === rawA)).toBe(false);
    expect(JSON.stringify(allTextValues(server.dbFile))).not.toContain(rawA);

    const page = await get(url("/dashboard/account/security"), a.cookie);
    expect(page.status).toBe(200);
    const ids = [...page.text.matchAll(/data-testid="session-(sess_[A-Za-z0-9]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const current = /data-testid="session-(sess_[A-Za-z0-9]+)" data-current="true"/.exec(page.text)![1];
    const sessionOfB = queryDb<{ id: string }>(server.dbFile, "select id from staff_sessions order by seq desc limit 2")[1].id;

    const end = await post(url("/dashboard/account/security"), { intent: "end_session", session_id: sessionOfB }, { cookie: a.cookie });
    expect(end.status).toBe(303);
    expect((await get(url("/dashboard"), b.cookie)).status).toBe(303);
    expect((await get(url("/dashboard"), c.cookie)).status).toBe(200);

    const others = await post(url("/dashboard/account/security"), { intent: "end_other_sessions" }, { cookie: a.cookie });
    expect(others.location).toBe("/dashboard/account/security?notice=other_sessions_ended");
    expect((await get(url("/dashboard"), c.cookie)).status).toBe(303);
    expect((await get(url("/dashboard"), a.cookie)).status).toBe(200);
    // Another person's session id cannot be ended from here.
    const stranger = createStaff(server, { merchant: merchant.slug, email: "stranger@auth.example", role: "viewer" });
    const s = await signIn(server, stranger.email, stranger.password);
    expect((await post(url("/dashboard/account/security"), { intent: "end_session", session_id: current }, { cookie: s.cookie })).status).toBe(404);
    expect((await get(url("/dashboard"), a.cookie)).status).toBe(200);

    const out = await post(url("/dashboard/sign-out"), {}, { cookie: a.cookie });
    expect(out.status).toBe(303);
    expect(out.location).toBe("/dashboard/sign-in?notice=signed_out");
    expect(out.setCookie.find((l) => l.startsWith("portico_staff="))).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    expect((await get(url("/dashboard"), a.cookie)).status).toBe(303);
  });

  it("ends after 8 idle hours and after 7 days however active", async () => {
    // A stopped clock: each boundary is exact however long the requests take.
    const t0 = await server.freezeClock(); // signed in at t0 exactly
    const idle = await signIn(server, owner.email, owner.password);
    await server.freezeClock(t0 + 8 * HOUR - 1000);
    expect((await get(url("/dashboard"), idle.cookie)).status).toBe(200); // idle 7:59:59, then active
    await server.freezeClock(t0 + 2 * (8 * HOUR - 1000));
    expect((await get(url("/dashboard"), idle.cookie)).status).toBe(200); // idle 7:59:59
    await server.freezeClock(t0 + 2 * (8 * HOUR - 1000) + 8 * HOUR);
    expect((await get(url("/dashboard"), idle.cookie)).status).toBe(303); // idle 8:00:00

    const t1 = await server.freezeClock(t0);
    const busy = await signIn(server, owner.email, owner.password);
    for (let t = 7 * HOUR; t < 7 * 24 * HOUR; t += 7 * HOUR) {
      await server.freezeClock(t1 + t);
      expect((await get(url("/dashboard"), busy.cookie)).status, `at ${t / HOUR} h`).toBe(200);
    }
    await server.freezeClock(t1 + 7 * 24 * HOUR - 1000);
    expect((await get(url("/dashboard"), busy.cookie)).status).toBe(200);
    await server.freezeClock(t1 + 7 * 24 * HOUR);
    expect((await get(url("/dashboard"), busy.cookie)).status).toBe(303);
  });

  it("a password change ends every other session, keeps this one, and checks the current password", async () => {
    const person = createStaff(server, { merchant: merchant.slug, email: "changer@auth.example", role: "viewer" });
    const mine = await signIn(server, person.email, person.password);
    const other = await signIn(server, person.email, person.password);
    const wrong = await post(url("/dashboard/account/security"), { intent: "change_password", current_password: "not it at all", new_password: "a brand new passphrase" }, { cookie: mine.cookie });
    expect(wrong.status).toBe(400);
    expect(testIdText(wrong.text, "error-current_password")).toBe("That password is not right.");
    const common = await post(url("/dashboard/account/security"), { intent: "change_password", current_password: person.password, new_password: "123456789012" }, { cookie: mine.cookie });
    expect(common.status).toBe(400);
    expect(testIdText(common.text, "error-new_password")).toContain("data breaches");
    expect((await get(url("/dashboard"), other.cookie)).status).toBe(200);

    const ok = await post(url("/dashboard/account/security"), { intent: "change_password", current_password: person.password, new_password: "a brand new passphrase" }, { cookie: mine.cookie });
    expect(ok.status).toBe(303);
    expect((await get(url("/dashboard"), mine.cookie)).status).toBe(200);
    expect((await get(url("/dashboard"), other.cookie)).status).toBe(303);
    expect((await post(url("/dashboard/sign-in"), { email: person.email, password: person.password })).status).toBe(401);
    expect((await post(url("/dashboard/sign-in"), { email: person.email, password: "a brand new passphrase" })).status).toBe(303);
  });

  it("staff and customer sessions never open each other's pages", async () => {
    const merchantApi = api(server, merchant.apiKey);
    const customer = (await merchantApi.post("/customers", { email: "cust@auth.example", name: "Cus" })).body as { id: string };
    const ps = (await merchantApi.post(`/customers/${customer.id}/portal-sessions`, {})).body as { url: string };
    const exchanged = await get(ps.url);
    const portalCookie = exchanged.setCookie.find((c) => c.startsWith("portico_session="))!.split(";")[0];
    expect((await get(url("/portal"), portalCookie)).status).toBe(200);
    expect((await get(url("/dashboard"), portalCookie)).status).toBe(303);
    expect((await get(url("/dashboard/settings/team"), portalCookie)).status).toBe(303);

    const staff = await signIn(server, owner.email, owner.password);
    expect((await get(url("/dashboard"), staff.cookie)).status).toBe(200);
    const portal = await get(url("/portal"), staff.cookie);
    expect(portal.status).toBe(401);
    expect(portal.text).toContain("You are signed out");
    // Even with the session id moved into the other cookie's name, nothing opens.
    const swapped = `portico_session=${staff.cookie.split("=").slice(1).join("=")}`;
    expect((await get(url("/portal"), swapped)).status).toBe(401);
  });
});

describe("the cross-site guard", () => {
  it("refuses every dashboard POST from another site (403) and changes nothing", async () => {
    const { cookie } = await signIn(server, owner.email, owner.password);
    const before = snapshotDb(server.dbFile);
    const posts: [string, Record<string, string>][] = [
      ["/dashboard/sign-in", { email: owner.email, password: owner.password }],
      ["/dashboard/sign-in/verify", { code: "123456" }],
      ["/dashboard/sign-out", {}],
      ["/dashboard/locale", { locale: "ko" }],
      ["/dashboard/switch", { merchant_id: merchant.id }],
      ["/dashboard/account/security", { intent: "end_other_sessions" }],
      ["/dashboard/settings/portal", { display_name: "Hacked", default_locale: "en", cancel_mode: "at_period_end" }],
      ["/dashboard/settings/api-keys", { intent: "create", name: "x", mode: "test", sudo_password: owner.password }],
      ["/dashboard/settings/webhooks", { intent: "create", url: "https://evil.example/hook", sudo_password: owner.password }],
      ["/dashboard/settings/team", { intent: "invite", email: "evil@evil.example", role: "owner" }],
      ["/dashboard/setup/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", { password: "a long passphrase here" }],
      ["/dashboard/invite/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", { password: "a long passphrase here" }],
    ];
    for (const [path, fields] of posts) {
      for (const forged of [{ site: "cross-site" }, { site: "same-site" }, { site: null, origin: "https://evil.example" }]) {
        const res = await post(url(path), fields, { cookie, ...forged });
        expect(res.status, `${path} ${JSON.stringify(forged)}`).toBe(403);
      }
    }
    expect(snapshotDb(server.dbFile)).toBe(before);
    // The same post from the page itself works.
    expect((await post(url("/dashboard/locale"), { locale: "en", redirect_to: "/dashboard" }, { cookie })).status).toBe(303);
  });

  it("changes nothing on GET", async () => {
    const { cookie } = await signIn(server, owner.email, owner.password);
    const before = snapshotDb(server.dbFile);
    for (const path of ["/dashboard/sign-out", "/dashboard/locale?locale=ko", "/dashboard/switch?merchant_id=x", "/dashboard/settings/api-keys?intent=create&name=x"]) {
      expect((await get(url(path), cookie)).status).toBeLessThan(400);
    }
    expect((await get(url("/dashboard"), cookie)).status).toBe(200);
    expect(snapshotDb(server.dbFile)).toBe(before);
  });
});

describe("two-factor (TOTP)", () => {
  async function enrol(person: StaffFixture) {
    const { cookie } = await signIn(server, person.email, person.password);
    const start = await post(url("/dashboard/account/security"), { intent: "start_two_factor" }, { cookie });
    expect(start.status).toBe(303);
    const page = await get(url("/dashboard/account/security?tab=two-factor"), cookie);
    const secret = testIdText(page.text, "totp-secret")!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code is an SVG rendered on the server, as an image.
    const qr = /data-testid="totp-qr"|src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.text);
    expect(qr).not.toBeNull();
    const svg = Buffer.from(/src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page.text)![1], "base64").toString("utf8");
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const wrong = await post(url("/dashboard/account/security"), { intent: "confirm_two_factor", code: "000000" }, { cookie });
    expect(wrong.status).toBe(400);
    expect(testIdText(wrong.text, "error-code")).toContain("not valid");
    const first = await totpNow(secret);
    const confirmed = await post(url("/dashboard/account/security"), { intent: "confirm_two_factor", code: first.code }, { cookie });
    expect(confirmed.status).toBe(200);
    const codes = [...confirmed.text.matchAll(/data-testid="backup-code">([A-Z0-9-]+)</g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    // `spentStep`: the time step whose code confirmed enrolment (accepted once, like every step).
    return { cookie, secret, codes, spentStep: first.step };
  }

  it("enrols with a first code, then asks for a code at sign-in; TOTP steps and backup codes work once", async () => {
    const person = createStaff(server, { merchant: merchant.slug, email: "tfa@auth.example", role: "admin" });
    const { secret, codes, spentStep } = await enrol(person);
    expect(queryDb<{ n: number }>(server.dbFile, "select count(*) n from staff_backup_codes s join staff_users u on u.id = s.staff_user_id where u.email = ? and used_at is null", person.email)[0].n).toBe(10);

    // Password alone is a half session: it opens nothing but the second step.
    const step1 = await signIn(server, person.email, person.password, "/dashboard/settings/team");
    expect(step1.location).toBe("/dashboard/sign-in/verify?redirect_to=%2Fdashboard%2Fsettings%2Fteam");
    expect((await get(url("/dashboard"), step1.cookie)).status).toBe(303);
    const verifyPage = await get(url("/dashboard/sign-in/verify"), step1.cookie);
    expect(verifyPage.status).toBe(200);
    expect(verifyPage.text).toContain('data-testid="page-sign-in-verify"');
    expect(verifyPage.text).toContain('name="code"');
    const bad = await post(url("/dashboard/sign-in/verify"), { code: "123456", redirect_to: "/dashboard/settings/team" }, { cookie: step1.cookie });
    expect(bad.status).toBe(401);
    // The step used to confirm enrolment is spent (its very code, whatever the time now); a later
    // step's code (the next one within the allowed drift, if the clock is still in the spent one) works.
    const replay = await post(url("/dashboard/sign-in/verify"), { code: await totpAt(secret, spentStep), redirect_to: "/dashboard/settings/team" }, { cookie: step1.cookie });
    expect(replay.status).toBe(401);
    const next = (await totpAfter(secret, spentStep)).code;
    const ok = await post(url("/dashboard/sign-in/verify"), { code: next, redirect_to: "/dashboard/settings/team" }, { cookie: step1.cookie });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe("/dashboard/settings/team");
    const full = staffCookie(ok)!;
    expect(full).not.toBe(step1.cookie);
    expect((await get(url("/dashboard/settings/team"), full)).status).toBe(200);
    // The half session ended with the step; the same code again is refused.
    expect((await get(url("/dashboard/sign-in/verify"), step1.cookie)).status).toBe(303);
    const again = await signIn(server, person.email, person.password);
    expect((await post(url("/dashboard/sign-in/verify"), { code: next }, { cookie: again.cookie })).status).toBe(401);

    // A backup code, typed in lower case without dashes, works once.
    const backup = codes[0].toLowerCase().replaceAll("-", "");
    const viaBackup = await post(url("/dashboard/sign-in/verify"), { code: backup }, { cookie: again.cookie });
    expect(viaBackup.status).toBe(303);
    const third = await signIn(server, person.email, person.password);
    expect((await post(url("/dashboard/sign-in/verify"), { code: codes[0] }, { cookie: third.cookie })).status).toBe(401);
    expect((await post(url("/dashboard/sign-in/verify"), { code: codes[1] }, { cookie: third.cookie })).status).toBe(303);
    const security = await get(url("/dashboard/account/security?tab=two-factor"), staffCookie(viaBackup));
    expect(decodeHtml(security.text)).toContain("8 backup codes left.");
  });

  it("wrong codes count toward the lockout; the right password never resets it", async () => {
    const person = createStaff(server, { merchant: merchant.slug, email: "tfa-lock@auth.example", role: "viewer" });
    const { codes } = await enrol(person);
    for (let i = 0; i < 5; i++) {
      const half = await signIn(server, person.email, person.password);
      expect((await post(url("/dashboard/sign-in/verify"), { code: "999999" }, { cookie: half.cookie })).status).toBe(401);
    }
    expect((await post(url("/dashboard/sign-in"), { email: person.email, password: person.password })).status).toBe(429);
    await setClock(server, 15 * MIN + 1000);
    const half = await signIn(server, person.email, person.password);
    expect((await post(url("/dashboard/sign-in/verify"), { code: codes[2] }, { cookie: half.cookie })).status).toBe(303);
  });

  it("an owner can require two-factor: a member without it is sent to enrolment before anything else", async () => {
    const m = createMerchant(server.dbFile, "Strict Team", "strict-team");
    const boss = createStaff(server, { merchant: m.slug, email: "boss@strict.example", role: "owner" });
    const member = createStaff(server, { merchant: m.slug, email: "member@strict.example", role: "admin" });
    const bossSession = await signIn(server, boss.email, boss.password);
    // Only an owner may set it.
    const memberSession = await signIn(server, member.email, member.password);
    expect((await post(url("/dashboard/settings/team"), { intent: "require_two_factor", required: "on" }, { cookie: memberSession.cookie })).status).toBe(403);
    const set = await post(url("/dashboard/settings/team"), { intent: "require_two_factor", required: "on" }, { cookie: bossSession.cookie });
    expect(set.status).toBe(303);
    for (const path of ["/dashboard", "/dashboard/settings/team", "/dashboard/audit", "/dashboard/settings/api-keys"]) {
      const res = await get(url(path), memberSession.cookie);
      expect(res.status, path).toBe(303);
      expect(res.location).toBe("/dashboard/account/security?two_factor=required");
    }
    expect((await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "k" }, { cookie: memberSession.cookie })).location).toBe("/dashboard/account/security?two_factor=required");
    const security = await get(url("/dashboard/account/security?two_factor=required"), memberSession.cookie);
    expect(security.status).toBe(200);
    expect(security.text).toContain('data-testid="two-factor-required"');
    const { cookie } = await enrol(member);
    expect((await get(url("/dashboard/settings/team"), cookie)).status).toBe(200);
  });
});

describe("recent authentication (sudo)", () => {
  it("asks for the password before creating an API key, then does it in the same request; 10 minutes later, again", async () => {
    const admin = createStaff(server, { merchant: merchant.slug, email: "sudo@auth.example", role: "admin" });
    const { cookie } = await signIn(server, admin.email, admin.password);
    const keys = () => queryDb<{ n: number }>(server.dbFile, "select count(*) n from api_keys where merchant_id = ?", merchant.id)[0].n;
    const count = keys();
    // Signing in counts as recent authentication.
    expect((await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Fresh", mode: "test" }, { cookie })).status).toBe(201);
    expect(keys()).toBe(count + 1);

    await setClock(server, 10 * MIN + 1000);
    const asked = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Later", mode: "test" }, { cookie });
    expect(asked.status).toBe(401);
    expect(asked.text).toContain('data-testid="sudo-form"');
    expect(asked.text).toContain('name="sudo_password"');
    // The form carries the original fields.
    expect(asked.text).toMatch(/type="hidden" name="name" value="Later"/);
    expect(keys()).toBe(count + 1);
    const wrong = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Later", mode: "test", sudo_password: "not my password" }, { cookie });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('data-testid="sudo-error"');
    expect(keys()).toBe(count + 1);
    const confirmed = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Later", mode: "test", sudo_password: admin.password }, { cookie });
    expect(confirmed.status).toBe(201);
    expect(keys()).toBe(count + 2);
    // Confirmed: the next sensitive action within 10 minutes goes straight through.
    expect((await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Third", mode: "test" }, { cookie })).status).toBe(201);
    const audit = queryDb<{ action: string; ip: string }>(server.dbFile, "select action, ip from audit_log where actor_id = ? and action = 'staff.reauthenticated'", admin.id);
    expect(audit).toEqual([{ action: "staff.reauthenticated", ip: "127.0.0.1" }]);
  });
});

describe("what the database holds", () => {
  it("no password, session id, TOTP secret, backup code, setup token or API key secret in any text column", async () => {
    const person = createStaff(server, { merchant: merchant.slug, email: "scan@auth.example", role: "admin", password: "scanner passphrase 123" });
    const session = await signIn(server, person.email, person.password);
    await post(url("/dashboard/account/security"), { intent: "start_two_factor" }, { cookie: session.cookie });
    const page = await get(url("/dashboard/account/security?tab=two-factor"), session.cookie);
    const secret = testIdText(page.text, "totp-secret")!;
    const confirmed = await post(url("/dashboard/account/security"), { intent: "confirm_two_factor", code: (await totpNow(secret)).code }, { cookie: session.cookie });
    const codes = [...confirmed.text.matchAll(/data-testid="backup-code">([A-Z0-9-]+)</g)].map((m) => m[1]);
    const created = await post(url("/dashboard/settings/api-keys"), { intent: "create", name: "Scan key", mode: "test" }, { cookie: session.cookie });
    const apiKey = testIdText(created.text, "new-key-secret")!;
    const setupUrl = JSON.parse(staffCreate(server, ["--merchant", "auth-co", "--email", "scan-setup@auth.example", "--role", "viewer", "--json"]).stdout).setup_url as string;
    const setupToken = setupUrl.split("/").pop()!;

    const secrets: [string, string][] = [
      ["password", person.password],
      ["owner password", owner.password],
      ["session id", rawSessionId(session.cookie)],
      ["session cookie", session.cookie.split("=").slice(1).join("=")],
      ["TOTP secret", secret],
      ...codes.map((c, i): [string, string] => [`backup code ${i}`, c]),
      ...codes.map((c, i): [string, string] => [`backup code ${i} bare`, c.replaceAll("-", "")]),
      ["API key", apiKey],
      ["merchant API key", merchant.apiKey],
      ["setup token", setupToken],
    ];
    expect(secrets.every(([, v]) => v && v.length >= 12)).toBe(true);
    const values = allTextValues(server.dbFile);
    expect(values.length).toBeGreaterThan(100);
    for (const [label, value] of secrets) {
      const found = values.filter((v) => v.value.includes(value)).map((v) => v.where);
      expect(found, label).toEqual([]);
    }
    // The TOTP secret is kept, sealed: a version, the DATA_ENCRYPTION_KEY id, then ciphertext.
    const sealed = queryDb<{ s: string }>(server.dbFile, "select totp_secret_encrypted s from staff_users where email = ?", person.email)[0].s;
    expect(sealed).toMatch(/^v1\.d1\./);
    // Passwords are argon2id PHC strings.
    const hash = queryDb<{ h: string }>(server.dbFile, "select password_hash h from staff_users where email = ?", person.email)[0].h;
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  });
});
