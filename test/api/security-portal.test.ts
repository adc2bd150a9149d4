import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, startSmtpCapture, type CapturedMail, type SmtpCapture, type TestServer } from "../setup/server";
import { hostileRedirects, isUnder } from "./hostile-redirects";
import { h1, postForm, readDb, request, sessionCookie } from "./portal-helpers";

// Issue 12's portal items, over HTTP against the built server with a real SMTP capture:
// revocation voids email changes (1), an email change kills earlier links and codes (2), the
// locale switch never redirects off the portal (8), exchanging a link ends the browser's earlier
// session (9), control and bidi characters in names (11), the email-change flood (12), and the
// sign-in page's codes and commits (14).

let smtp: SmtpCapture;
let server: TestServer;
let api: ApiClient;
let n = 0;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  // One trusted proxy hop: each test plays its own client IP through X-Forwarded-For.
  server = await startServer({ env: { SMTP_URL: smtp.url, RATE_LIMIT_SCALE: "100", TRUST_PROXY: "1" } });
  api = apiClient(server.url, createMerchant(server.dbFile, "Acme", "acme").apiKey);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

const unique = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 8)}@example.com`;

async function newCustomer(name = "Emily Carter") {
  const email = unique("c");
  const res = await api.post("/customers", { email, name });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, email };
}

/** A redirect link exchanged like a browser: the portal session's id and the session cookie. */
async function signIn(customerId: string, cookie?: string) {
  const ps = await api.post(`/customers/${customerId}/portal-sessions`, {});
  expect(ps.status).toBe(201);
  const res = await request(ps.body.url, { cookie });
  expect(res.status).toBe(303);
  return { portalSessionId: ps.body.id as string, cookie: sessionCookie(res)! };
}

const mailTo = (to: string, subject: RegExp) => smtp.waitFor((m) => m.to.includes(to) && subject.test(m.subject), `a mail to ${to} titled ${subject}`);
const confirmLinkIn = (mail: CapturedMail) => /(http:\/\/127\.0\.0\.1:\d+\/portal\/profile\/confirm-email\/[A-Za-z0-9]+)/.exec(mail.text)![1];
const portalLinkIn = (mail: CapturedMail) => /(http:\/\/127\.0\.0\.1:\d+\/portal\/session\/[A-Za-z0-9_.-]+)/.exec(mail.text)![1];
const codeIn = (mail: CapturedMail) => /\b([A-Z0-9]{6})\b/.exec(mail.text.split(/one-time code[^\n]*\n/i)[1] ?? "")![1];
const emailOf = (customerId: string) => readDb<{ email: string }>(server.dbFile, "select email from customers where id = ?", customerId)[0].email;
const portal = (cookie: string) => request(`${server.url}/portal`, { cookie });

/** Requests an email change from the profile page and returns the confirmation link mailed. */
async function requestEmailChange(cookie: string, newEmail: string) {
  const res = await postForm(`${server.url}/portal/profile`, { email: newEmail }, { cookie });
  expect(res.status).toBe(303);
  expect(res.location).toBe("/portal/profile?notice=email_change_sent");
  return confirmLinkIn(await mailTo(newEmail, /^Confirm/));
}

/** A form post to the sign-in page from the client `ip`. */
const signInPost = (fields: Record<string, string>, opts: { ip?: string; cookie?: string } = {}) =>
  request(`${server.url}/p/acme`, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    cookie: opts.cookie,
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": opts.ip ?? "203.0.113.50" },
  });

describe("1. a pending email change dies with the access it was asked from", () => {
  it("revoking the portal session voids it: the confirmation link then changes nothing", async () => {
    const c = await newCustomer();
    const s = await signIn(c.id);
    const link = await requestEmailChange(s.cookie, unique("attacker"));
    expect((await api.del(`/portal-sessions/${s.portalSessionId}`)).status).toBe(200);

    expect((await request(link)).status).toBe(404);
    const confirmed = await postForm(link, {});
    expect(confirmed.status).toBe(404);
    expect(h1(confirmed.text)).toBe("This link has expired or was already used");
    expect(emailOf(c.id)).toBe(c.email);
    expect((await api.get(`/customers/${c.id}`)).body.email).toBe(c.email);
  });

  it("deleting the customer voids it", async () => {
    const c = await newCustomer();
    const s = await signIn(c.id);
    const link = await requestEmailChange(s.cookie, unique("attacker"));
    expect((await api.del(`/customers/${c.id}`)).status).toBe(200);
    expect((await postForm(link, {})).status).toBe(404);
    expect(emailOf(c.id)).toBe(c.email);
    expect(readDb<{ n: number }>(server.dbFile, "select count(*) n from email_changes where customer_id = ? and superseded_at is null", c.id)[0].n).toBe(0);
  });

  it("a change asked from a live session still applies, even when another session of the customer was revoked", async () => {
    const c = await newCustomer();
    const live = await signIn(c.id);
    const other = await signIn(c.id);
    const newEmail = unique("moved");
    const link = await requestEmailChange(live.cookie, newEmail);
    expect((await api.del(`/portal-sessions/${other.portalSessionId}`)).status).toBe(200);
    const confirmed = await postForm(link, {});
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('data-testid="email-changed"');
    expect(emailOf(c.id)).toBe(newEmail);
  });
});

describe("2. an email change kills the links and codes mailed before it", () => {
  it("after an API PATCH: an emailed link shows the 401 page, its code is refused with either address; a code sent afterwards works", async () => {
    const c = await newCustomer();
    const ps = await api.post(`/customers/${c.id}/portal-sessions`, { send_email: true });
    const invite = await smtp.waitFor((m) => m.text.includes(ps.body.url), "the invite");
    expect((await signInPost({ intent: "email", email: c.email })).status).toBe(200);
    const selfSignIn = await mailTo(c.email, /sign-in link/);
    const codes = [codeIn(invite), codeIn(selfSignIn)];

    const newEmail = unique("new");
    expect((await api.patch(`/customers/${c.id}`, { email: newEmail })).status).toBe(200);

    for (const link of [ps.body.url as string, portalLinkIn(selfSignIn)]) {
      const shown = await request(link);
      expect(shown.status).toBe(401);
      expect(h1(shown.text)).toBe("This link has expired or was already used");
      const pressed = await postForm(link, { intent: "continue" });
      expect(pressed.status).toBe(401);
      expect(sessionCookie(pressed)).toBeNull();
    }
    for (const code of codes) {
      for (const email of [c.email, newEmail]) {
        const res = await signInPost({ intent: "code", email, code });
        expect(res.status).toBe(422);
        expect(sessionCookie(res)).toBeNull();
      }
    }
    // A code mailed after the change, to the new address, works.
    expect((await signInPost({ intent: "email", email: newEmail })).status).toBe(200);
    const fresh = await mailTo(newEmail, /sign-in link/);
    const res = await signInPost({ intent: "code", email: newEmail, code: codeIn(fresh) });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).not.toBeNull();
  });

  it("after a confirmed portal change: the earlier emailed link dies too; the browser session that asked stays", async () => {
    const c = await newCustomer();
    const ps = await api.post(`/customers/${c.id}/portal-sessions`, { send_email: true });
    await smtp.waitFor((m) => m.text.includes(ps.body.url), "the invite");
    const s = await signIn(c.id);
    const link = await requestEmailChange(s.cookie, unique("confirmed"));
    expect((await postForm(link, {})).status).toBe(200);
    expect((await request(ps.body.url)).status).toBe(401);
    expect((await portal(s.cookie)).status).toBe(200);
  });
});

describe("8. the language switch never redirects off the portal", () => {

  it.each(hostileRedirects("/portal"))("redirect_to=%j → a path under /portal on this origin", async (value) => {
    const c = await newCustomer();
    const { cookie } = await signIn(c.id);
    const res = await postForm(`${server.url}/portal/locale`, { locale: "ko", redirect_to: value }, { cookie });
    expect(res.status).toBe(303);
    expect(res.location, String(res.location)).toSatisfy((l: string | null) => isUnder("/portal", l, server.url));
  });

  it("a page of the portal is kept, with its query, without the notice", async () => {
    const c = await newCustomer();
    const { cookie } = await signIn(c.id);
    const res = await postForm(`${server.url}/portal/locale`, { locale: "en", redirect_to: "/portal/billing?starting_after=pay_1&notice=resumed" }, { cookie });
    expect(res.location).toBe("/portal/billing?starting_after=pay_1");
  });
});

describe("9. exchanging a link ends the browser's earlier portal session", () => {
  const sessionEnded = async (cookie: string) => (await portal(cookie)).status === 401;

  it("a redirect link opened in a browser signed in as someone else", async () => {
    const victim = await newCustomer();
    const attacker = await newCustomer();
    const before = await signIn(victim.id);
    const after = await signIn(attacker.id, before.cookie);
    expect(after.cookie).not.toBe(before.cookie);
    expect(await sessionEnded(before.cookie)).toBe(true);
    expect((await portal(after.cookie)).status).toBe(200);
  });

  it("an emailed link's Continue button", async () => {
    const victim = await newCustomer();
    const attacker = await newCustomer();
    const before = await signIn(victim.id);
    const ps = await api.post(`/customers/${attacker.id}/portal-sessions`, { send_email: true });
    const res = await postForm(ps.body.url, { intent: "continue" }, { cookie: before.cookie });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).not.toBeNull();
    expect(await sessionEnded(before.cookie)).toBe(true);
  });

  it("a typed sign-in code", async () => {
    const victim = await newCustomer();
    const attacker = await newCustomer();
    const before = await signIn(victim.id);
    expect((await signInPost({ intent: "email", email: attacker.email }, { ip: "203.0.113.91" })).status).toBe(200);
    const mail = await mailTo(attacker.email, /sign-in link/);
    const res = await signInPost({ intent: "code", email: attacker.email, code: codeIn(mail) }, { ip: "203.0.113.91", cookie: before.cookie });
    expect(res.status).toBe(303);
    expect(await sessionEnded(before.cookie)).toBe(true);
    const ended = readDb<{ n: number }>(server.dbFile, "select count(*) n from browser_sessions where customer_id = ? and ended_at is not null", victim.id)[0].n;
    expect(ended).toBe(1);
  });
});

describe("11. names that would spoof text", () => {
  const bad = ["\u0000", "\u0007", "\t", "\n", "\u001F", "\u007F", "\u0085", "\u009F", "\u061C", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];

  it.each(bad.map((ch) => [`U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, ch]))("%s in a name → 422 param name (create and update)", async (_label, ch) => {
    for (const name of [`Ada${ch}Lovelace`, `${ch}Ada`, `Ada${ch}`]) {
      const created = await api.post("/customers", { email: unique("bad"), name });
      expect(created.status).toBe(422);
      expect(created.body.error).toMatchObject({ code: "parameter_invalid", param: "name" });
    }
    const c = await newCustomer("Plain Name");
    const patched = await api.patch(`/customers/${c.id}`, { name: `Evil${ch}gnp.exe` });
    expect(patched.status).toBe(422);
    expect(patched.body.error.param).toBe("name");
    expect((await api.get(`/customers/${c.id}`)).body.name).toBe("Plain Name");
  });

  it.each(["Łukasz Żółtowski", "김민지", "山田太郎", "Seán O'Brien-Murphy", "José Álvarez", "Zoë d’Arc", "محمد"])("%s stays valid", async (name) => {
    const created = await api.post("/customers", { email: unique("ok"), name });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(name);
  });

  it("the portal profile refuses them too: an inline error, nothing saved", async () => {
    const c = await newCustomer("Emily Carter");
    const { cookie } = await signIn(c.id);
    const res = await postForm(`${server.url}/portal/profile`, { name: "Emily\u202Egnp.exe" }, { cookie });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="error-name"');
    expect(res.text).toContain("Names cannot contain control or text-direction characters.");
    expect((await api.get(`/customers/${c.id}`)).body.name).toBe("Emily Carter");
    // The legal name too.
    const legal = await postForm(`${server.url}/portal/profile`, { legal_name: "Carter\u2066 Ltd" }, { cookie });
    expect(legal.status).toBe(400);
    expect(legal.text).toContain('data-testid="error-legal_name"');
    expect((await api.get(`/customers/${c.id}`)).body.legal_name).toBeNull();
  });
});

describe("14. the sign-in page", () => {
  it("an unknown address commits a write like a known one (no commit only on the known path), and gets the same page", async () => {
    const auditRows = () => readDb<{ n: number }>(server.dbFile, "select count(*) n from audit_log where action = 'portal_session.sign_in_unknown_address'")[0].n;
    const before = auditRows();
    const c = await newCustomer();
    const known = await signInPost({ intent: "email", email: c.email }, { ip: "203.0.113.60" });
    const unknownEmail = unique("nobody");
    const unknown = await signInPost({ intent: "email", email: unknownEmail }, { ip: "203.0.113.60" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (html: string, email: string) => html.replaceAll(email, "EMAIL").replace(/nonce="[^"]*"/g, "").replace(/"requestId":"[^"]*"/g, "");
    expect(strip(unknown.text, unknownEmail)).toBe(strip(known.text, c.email));
    expect(auditRows()).toBe(before + 1);
    // The typed address is not stored anywhere.
    expect(readDb(server.dbFile, "select * from audit_log where data like ?", `%${unknownEmail}%`)).toHaveLength(0);
  });

  it("wrong codes cost the self sign-in codes mailed to that address, never a 7-day invite's code", async () => {
    const c = await newCustomer();
    const ps = await api.post(`/customers/${c.id}/portal-sessions`, { send_email: true, expires_in: 604_800 });
    const invite = await smtp.waitFor((m) => m.text.includes(ps.body.url), "the invite");
    expect((await signInPost({ intent: "email", email: c.email }, { ip: "203.0.113.70" })).status).toBe(200);
    const selfSignIn = await mailTo(c.email, /sign-in link/);
    const right = new Set([codeIn(invite), codeIn(selfSignIn)]);
    const wrong = ["AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF", "GGGGGG"].filter((x) => !right.has(x));

    // A stranger who knows the address tries codes, from several IPs.
    for (const [i, code] of wrong.slice(0, 6).entries()) {
      expect((await signInPost({ intent: "code", email: c.email, code }, { ip: `198.51.100.${i + 1}` })).status).toBe(422);
    }
    const attempts = readDb<{ purpose: string; attempts: number }>(
      server.dbFile,
      "select p.purpose, s.attempts from sign_in_codes s join portal_sessions p on p.id = s.portal_session_id where s.customer_id = ? order by p.purpose",
      c.id,
    );
    expect(attempts).toEqual([
      { purpose: "api", attempts: 0 },
      { purpose: "sign_in", attempts: 5 },
    ]);
    // The self sign-in code is used up; the invite's code still signs the customer in.
    expect((await signInPost({ intent: "code", email: c.email, code: codeIn(selfSignIn) })).status).toBe(422);
    const res = await signInPost({ intent: "code", email: c.email, code: codeIn(invite) });
    expect(res.status).toBe(303);
    expect(sessionCookie(res)).not.toBeNull();
  });
});
