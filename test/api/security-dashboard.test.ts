import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMerchant, startServer, startSmtpCapture, type MerchantFixture, type SmtpCapture, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { createStaff, get, post, queryDb, signIn, staffCookie, staffCreate, testIdText, type StaffFixture } from "./dashboard-helpers";
import { hostileRedirects, isUnder } from "./hostile-redirects";
import { getRaw } from "./portal-helpers";
import { startReceiver, verify, type Receiver } from "./webhooks-receiver";

// Issue 12 in the merchant dashboard, over HTTP against the built server with real SMTP and a
// real webhook receiver: staff names refuse control and bidi characters (11), the endpoint
// secret the dashboard creates is stored sealed and still signs (5), every redirect built from
// input stays under /dashboard (8), and setup and invite tokens never reach the log or the
// stored copy of a sent mail (10, 5).

// Operator commands (tsx) take seconds each on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
let smtp: SmtpCapture;
let receiver: Receiver;
let merchant: MerchantFixture;
let owner: StaffFixture;
let cookie: string;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  receiver = await startReceiver();
  server = await startServer({ env: { SMTP_URL: smtp.url, RATE_LIMIT_SCALE: "100" } });
  merchant = createMerchant(server.dbFile, "Guarded Co", "guarded-co");
  owner = createStaff(server, { merchant: merchant.slug, email: "owner@guarded.example", role: "owner", name: "Gina Guard" });
  // The clock stands still from the sign-in on, so it stays "recent authentication" (10 minutes)
  // for the endpoint creation below however long the file takes on a busy machine.
  await server.freezeClock();
  cookie = (await signIn(server, owner.email, owner.password)).cookie;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
  await receiver?.close();
});

const url = (path: string) => `${server.url}${path}`;
const NAME_ERROR = "Names cannot contain control or text-direction characters.";
const linkIn = (text: string, kind: "invite" | "setup") => new RegExp(`https?://\\S+/dashboard/${kind}/[A-Za-z0-9_-]+`).exec(text)![0];
const staffRow = (email: string) => queryDb<{ name: string | null; password_hash: string | null }>(server.dbFile, "select name, password_hash from staff_users where email = ?", email)[0];

/** A setup link for a new person, as `staff:create` without --password prints it. */
function setupLinkFor(email: string) {
  const out = staffCreate(server, ["--merchant", merchant.slug, "--email", email, "--role", "viewer", "--json"]);
  expect(out.status).toBe(0);
  return (JSON.parse(out.stdout) as { setup_url: string }).setup_url;
}

/** An invite link, sent from the team page and read from the mail. */
async function inviteLinkFor(email: string) {
  const sent = await post(url("/dashboard/settings/team"), { intent: "invite", email, role: "support" }, { cookie });
  expect(sent.status).toBe(303);
  return linkIn((await smtp.waitFor((m) => m.to.includes(email), `the invite to ${email}`)).text, "invite");
}

describe("11. staff names that would spoof text", () => {
  const spoofing = ["Eve\u202Egnp.exe", "Eve\u0007", "\u2066Eve", "Eve\u0085Adams", "Eve\u200F"];

  it("staff:create --name refuses them (exit 2, a message naming --name) and creates nobody; Hangul, accents and apostrophes stay valid", () => {
    for (const [i, name] of spoofing.entries()) {
      const email = `cli-bad-${i}@guarded.example`;
      const out = staffCreate(server, ["--merchant", merchant.slug, "--email", email, "--role", "viewer", "--name", name, "--password", "a long enough passphrase"]);
      expect(out.status).toBe(2);
      expect(out.stderr).toContain("--name must not contain control or text-direction characters");
      expect(staffRow(email)).toBeUndefined();
    }
    for (const [i, name] of ["김민지", "Zoë d’Arc-O'Neil", "José Álvarez"].entries()) {
      const email = `cli-ok-${i}@guarded.example`;
      expect(staffCreate(server, ["--merchant", merchant.slug, "--email", email, "--role", "viewer", "--name", name, "--password", "a long enough passphrase"]).status).toBe(0);
      expect(staffRow(email).name).toBe(name);
    }
  });

  it("the setup page refuses them inline (400) and spends nothing; a plain name then goes through", async () => {
    const link = setupLinkFor("setup-name@guarded.example");
    for (const name of spoofing) {
      const res = await post(link, { name, password: "a long enough passphrase" });
      expect(res.status).toBe(400);
      expect(testIdText(res.text, "error-name")).toBe(NAME_ERROR);
      expect(staffCookie(res)).toBeNull();
    }
    expect(staffRow("setup-name@guarded.example")).toEqual({ name: null, password_hash: null });
    const done = await post(link, { name: "Ada Lovelace", password: "a long enough passphrase" });
    expect(done.status).toBe(303);
    expect(staffRow("setup-name@guarded.example").name).toBe("Ada Lovelace");
  });

  it("accepting an invite refuses them inline (400) and joins nobody; a plain name then joins", async () => {
    const link = await inviteLinkFor("invitee-name@guarded.example");
    const res = await post(link, { name: "Nia\u202ENew", password: "nia's long passphrase" });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, "error-name")).toBe(NAME_ERROR);
    expect(staffRow("invitee-name@guarded.example")).toBeUndefined();
    const joined = await post(link, { name: "Nia O'New", password: "nia's long passphrase" });
    expect(joined.status).toBe(303);
    expect(staffRow("invitee-name@guarded.example").name).toBe("Nia O'New");
  });

  it("the New customer form and the customer's Edit form refuse them with the same sentence and write nothing", async () => {
    const customerCount = () => queryDb<{ n: number }>(server.dbFile, "select count(*) as n from customers where merchant_id = ?", merchant.id)[0].n;
    const before = customerCount();
    for (const name of spoofing) {
      const res = await post(url("/dashboard/customers/new"), { name, email: "spoof@guarded.example" }, { cookie });
      expect(res.status).toBe(400);
      expect(testIdText(res.text, "error-name")).toBe(NAME_ERROR);
    }
    expect(customerCount()).toBe(before);
    const created = await post(url("/dashboard/customers/new"), { name: "Zoë d’Arc-O'Neil", email: "zoe@guarded.example" }, { cookie });
    expect(created.status).toBe(303);
    const customerId = /\/dashboard\/customers\/(cus_[A-Za-z0-9]+)/.exec(created.location ?? "")![1];
    const res = await post(url(`/dashboard/customers/${customerId}`), { intent: "update", name: "Zoë\u202Eexe.", email: "zoe@guarded.example" }, { cookie });
    expect(res.status).toBe(400);
    expect(testIdText(res.text, "error-name")).toBe(NAME_ERROR);
    expect(queryDb<{ name: string }>(server.dbFile, "select name from customers where id = ?", customerId)[0].name).toBe("Zoë d’Arc-O'Neil");
  });
});

describe("5. the endpoint secret the dashboard creates", () => {
  it("is shown once, stored sealed under DATA_ENCRYPTION_KEY, and signs the test event", async () => {
    const created = await post(url("/dashboard/settings/webhooks"), { intent: "create", url: receiver.url("/sealed-dash"), events: ["customer.updated"] }, { cookie });
    expect(created.status).toBe(201);
    const secret = testIdText(created.text, "new-endpoint-secret")!;
    expect(secret).toMatch(/^whsec_/);
    const row = queryDb<{ id: string; secret: string }>(server.dbFile, "select id, secret from webhook_endpoints where url = ?", receiver.url("/sealed-dash"))[0];
    expect(row.secret).toMatch(/^v1\.d1\./);
    expect(row.secret).not.toContain(secret.replace(/^whsec_/, ""));
    expect((await post(url(`/dashboard/settings/webhooks/${row.id}`), { intent: "send_test" }, { cookie })).status).toBe(303);
    await receiver.waitFor(() => receiver.on("/sealed-dash").length === 1, "the test event");
    expect(verify(secret, receiver.on("/sealed-dash")[0]).type).toBe("webhook_endpoint.test");
  });
});

describe("8. dashboard redirects built from input stay under /dashboard", () => {
  const hostile = hostileRedirects("/dashboard");

  it.each(hostile)("redirect_to=%j: the sign-in page of a signed-in person and the language switch", async (value) => {
    const signedIn = await get(url(`/dashboard/sign-in?redirect_to=${encodeURIComponent(value)}`), cookie);
    expect(signedIn.status).toBe(303);
    expect(signedIn.location, String(signedIn.location)).toSatisfy((l: string | null) => isUnder("/dashboard", l, server.url));
    const switched = await post(url("/dashboard/locale"), { locale: "en", redirect_to: value }, { cookie });
    expect(switched.status).toBe(303);
    expect(switched.location, String(switched.location)).toSatisfy((l: string | null) => isUnder("/dashboard", l, server.url));
  });

  it("a password sign-in with a hostile redirect_to lands under /dashboard; a dashboard page is kept", async () => {
    for (const value of hostile.slice(0, 8)) {
      const res = await post(url("/dashboard/sign-in"), { email: owner.email, password: owner.password, redirect_to: value });
      expect(res.status).toBe(303);
      expect(res.location, String(res.location)).toSatisfy((l: string | null) => isUnder("/dashboard", l, server.url));
    }
    const kept = await post(url("/dashboard/sign-in"), { email: owner.email, password: owner.password, redirect_to: "/dashboard/audit?action=member.added" });
    expect(kept.location).toBe("/dashboard/audit?action=member.added");
  });
});

describe("10. setup and invite tokens", () => {
  it("never reach the request log, however the path is spelled", async () => {
    const setupToken = setupLinkFor("logged-setup@guarded.example").split("/").pop()!;
    const inviteToken = (await inviteLinkFor("logged-invite@guarded.example")).split("/").pop()!;
    const spellings = [
      (kind: string, t: string) => `/dashboard/${kind}/${t}`,
      (kind: string, t: string) => `/DASHBOARD/${kind.toUpperCase()}/${t}`,
      (kind: string, t: string) => `/dashboard/./${kind}//${t}`,
      (kind: string, t: string) => `//dashboard/x/../${kind}/${t}?utm=1`,
      (kind: string, t: string) => `/%64ashboard/${kind}/${t}`,
      (kind: string, t: string) => `/dashboard/${kind}/${encodeURIComponent(t).replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}`,
    ];
    for (const [kind, token] of [["setup", setupToken], ["invite", inviteToken]] as const) {
      for (const spell of spellings) {
        await server.requestLogged((await getRaw(server.url, spell(kind, token))).requestId);
      }
    }
    const log = server.logs.join("\n");
    expect(log).toContain("/dashboard/setup/[redacted]");
    expect(log).toContain("/dashboard/invite/[redacted]");
    expect(log).not.toContain(setupToken);
    expect(log).not.toContain(inviteToken);
  });

  it("a sent invite keeps no token in the stored copy of the mail", async () => {
    const link = await inviteLinkFor("scrubbed-invite@guarded.example");
    const token = link.split("/").pop()!;
    const stored = () => queryDb<{ status: string; html: string; text: string; scrub: string | null }>(server.dbFile, "select status, html, text, scrub from mail_outbox where to_address = ?", "scrubbed-invite@guarded.example")[0];
    // Scrubbed in the same transaction that marks it sent: "sent" is the marker.
    await waitUntil("the invite to be recorded as sent", () => stored()?.status === "sent");
    const row = stored();
    expect(row.scrub).toBeNull();
    expect(row.html + row.text).not.toContain(token);
    expect(row.text).toContain("/dashboard/invite/[redacted]");
  });
});
