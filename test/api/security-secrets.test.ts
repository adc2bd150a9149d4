import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, runCli, startServer, startSmtpCapture, tempDbFile, type SmtpCapture, type TestServer } from "../setup/server";
import { WAIT_TIMEOUT_MS } from "../setup/wait";
import { createStaff, post, signIn, staffCookie, totpNow } from "./dashboard-helpers";
import { postForm, readDb, request, sessionCookie, TEST_KID, TEST_SECRET, writeDb } from "./portal-helpers";
import { startReceiver, verify, type Receiver } from "./webhooks-receiver";

// Issue 12, item 5: no bearer secret in plaintext in any column. Stored idempotent responses and
// webhook endpoint secrets are sealed (AES-256-GCM under DATA_ENCRYPTION_KEY) and still replay
// and sign; rows written before sealing existed are sealed at start-up; a rotation re-seals;
// a mail handed to SMTP keeps no link token or code; mail_outbox has a retention period;
// backups are owner-only. Over HTTP against the built server, real SMTP, a real receiver.

const KEY_1 = "d1:test-data-encryption-key-0123456789abcdef"; // the test servers' default
const KEY_2 = "d2:rotated-data-encryption-key-0123456789abcdef";

let smtp: SmtpCapture;
let receiver: Receiver;
const servers: TestServer[] = [];
beforeAll(async () => {
  smtp = await startSmtpCapture();
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
afterAll(async () => {
  await smtp?.close();
  await receiver?.close();
});

async function start(opts: { dbFile?: string; env?: Record<string, string> } = {}) {
  const server = await startServer({ dbFile: opts.dbFile, env: { SMTP_URL: smtp.url, RATE_LIMIT_SCALE: "100", ...opts.env } });
  servers.push(server);
  return server;
}
const stopAll = async () => {
  for (const s of servers.splice(0)) await s.stop();
};

const column = (dbFile: string, sql: string, ...params: unknown[]) => readDb<{ v: string }>(dbFile, sql, ...params).map((r) => r.v);
const base64Part = (secret: string) => secret.replace(/^whsec_/, "");
const tokenOf = (url: string) => url.split("/").pop()!;

async function world(server: TestServer, slug: string) {
  const key = createMerchant(server.dbFile, `Secrets ${slug}`, slug).apiKey;
  const api = apiClient(server.url, key);
  const customer = (await api.post("/customers", { email: `${slug}@example.com`, name: "Rita Secret" })).body as { id: string };
  return { api, customer, key };
}

/** A customer.updated delivery to `path`, verified with `secret` by the reference library. */
async function deliveredAndVerified(api: ApiClient, customerId: string, hookPath: string, secret: string) {
  const before = receiver.on(hookPath).length;
  const name = `Rita ${Math.random().toString(36).slice(2, 8)}`;
  expect((await api.patch(`/customers/${customerId}`, { name })).status).toBe(200);
  await receiver.waitFor(() => receiver.on(hookPath).length > before, `a delivery to ${hookPath}`);
  const event = verify(secret, receiver.on(hookPath)[before]);
  expect(event.data.object.name).toBe(name);
}

describe("sealed columns", () => {
  it("an idempotent portal session keeps its url sealed, and a replay returns the same url", async () => {
    const server = await start();
    const { api, customer } = await world(server, "idem-ps");
    const first = await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: false }, { "Idempotency-Key": "ps-1" });
    expect(first.status).toBe(201);
    const [stored] = column(server.dbFile, "select response_body v from idempotency_records where key = 'ps-1'");
    expect(stored).toMatch(/^v1\.d1\./);
    expect(stored).not.toContain(tokenOf(first.body.url));
    expect(stored).not.toContain("/portal/session/");
    const replay = await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: false }, { "Idempotency-Key": "ps-1" });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.url).toBe(first.body.url);
  });

  it("a webhook endpoint's whsec_ secret is sealed in its row and in the idempotency record, still signs deliveries, and replays", async () => {
    const server = await start();
    const { api, customer } = await world(server, "idem-we");
    const created = await api.post("/webhook-endpoints", { url: receiver.url("/sealed"), events: ["customer.updated"] }, { "Idempotency-Key": "we-1" });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const stored = [
      ...column(server.dbFile, "select secret v from webhook_endpoints where id = ?", created.body.id),
      ...column(server.dbFile, "select response_body v from idempotency_records where key = 'we-1'"),
    ];
    expect(stored).toHaveLength(2);
    for (const value of stored) {
      expect(value).toMatch(/^v1\.d1\./);
      expect(value).not.toContain(base64Part(secret));
    }
    const replay = await api.post("/webhook-endpoints", { url: receiver.url("/sealed"), events: ["customer.updated"] }, { "Idempotency-Key": "we-1" });
    expect(replay.body.secret).toBe(secret);
    await deliveredAndVerified(api, customer.id, "/sealed", secret);
  });

  // Four server starts and three deliveries in a row: 130 s on a loaded 2-core machine, so its
  // failure bound is above the file's 120 s (a bound, never a wait: a green run ends sooner).
  it("rows stored in plaintext before sealing existed are sealed at the next start and keep working; a key rotation re-seals them", { timeout: 300_000 }, async () => {
    const server = await start();
    const { api, customer, key } = await world(server, "migrate");
    const endpoint = (await api.post("/webhook-endpoints", { url: receiver.url("/migrated"), events: ["customer.updated"] })).body;
    const requestBody = { locale: "en" };
    const first = await api.post(`/customers/${customer.id}/portal-sessions`, requestBody, { "Idempotency-Key": "old-1" });
    expect(first.status).toBe(201);
    const dbFile = server.dbFile;
    await stopAll();

    // What an earlier version wrote: the secret and the idempotent answer in plaintext.
    writeDb(dbFile, "update webhook_endpoints set secret = ? where id = ?", endpoint.secret, endpoint.id);
    writeDb(dbFile, "update idempotency_records set response_body = ? where key = 'old-1'", JSON.stringify(first.body));

    const restarted = await start({ dbFile });
    expect(restarted.logs.join("\n")).toContain("sealed stored secrets");
    const sealed = [
      ...column(dbFile, "select secret v from webhook_endpoints where id = ?", endpoint.id),
      ...column(dbFile, "select response_body v from idempotency_records where key = 'old-1'"),
    ];
    for (const value of sealed) expect(value).toMatch(/^v1\.d1\./);
    expect(sealed.join()).not.toContain(base64Part(endpoint.secret));
    expect(sealed.join()).not.toContain(tokenOf(first.body.url));
    const replay = await apiClient(restarted.url, key).post(`/customers/${customer.id}/portal-sessions`, requestBody, { "Idempotency-Key": "old-1" });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    await deliveredAndVerified(apiClient(restarted.url, key), customer.id, "/migrated", endpoint.secret);
    await stopAll();

    // Rotation: the new key first, the old one still listed; start-up re-seals under the new one.
    const rotated = await start({ dbFile, env: { DATA_ENCRYPTION_KEY: `${KEY_2},${KEY_1}` } });
    for (const value of column(dbFile, "select secret v from webhook_endpoints union all select response_body v from idempotency_records")) {
      expect(value).toMatch(/^v1\.d2\./);
    }
    await deliveredAndVerified(apiClient(rotated.url, key), customer.id, "/migrated", endpoint.secret);
    await stopAll();
    // And then the old key can go.
    const onlyNew = await start({ dbFile, env: { DATA_ENCRYPTION_KEY: KEY_2 } });
    await deliveredAndVerified(apiClient(onlyNew.url, key), customer.id, "/migrated", endpoint.secret);
  });

  it("a staff TOTP secret sealed under a portal signing key (the dashboard's first release) is re-sealed under DATA_ENCRYPTION_KEY at start and still checks codes", async () => {
    const server = await start();
    createMerchant(server.dbFile, "Legacy TOTP", "legacy-totp");
    const person = createStaff(server, { merchant: "legacy-totp", email: "legacy-totp@example.com", role: "owner" });
    const dbFile = server.dbFile;
    await stopAll();

    // Sealed the way the dashboard's first release did: HKDF of the PORTAL_SIGNING_KEYS secret.
    const totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const key = Buffer.from(hkdfSync("sha256", Buffer.from(TEST_SECRET, "utf8"), "portico", "portico:staff-totp", 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from("staff-totp"));
    const body = Buffer.concat([cipher.update(totpSecret, "utf8"), cipher.final()]);
    const legacy = ["v1", TEST_KID, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    writeDb(dbFile, "update staff_users set totp_secret_encrypted = ?, totp_enabled_at = ? where email = ?", legacy, Date.now(), person.email);

    const restarted = await start({ dbFile });
    const [stored] = column(dbFile, "select totp_secret_encrypted v from staff_users where email = ?", person.email);
    expect(stored).toMatch(/^v1\.d1\./);
    expect(stored).not.toBe(legacy);
    const step1 = await signIn(restarted, person.email, person.password);
    expect(step1.location).toMatch(/^\/dashboard\/sign-in\/verify/);
    const verified = await post(`${restarted.url}/dashboard/sign-in/verify`, { code: (await totpNow(totpSecret)).code }, { cookie: step1.cookie });
    expect(verified.status).toBe(303);
    expect(staffCookie(verified)).not.toBeNull();
  });

  it("outside production, an unset DATA_ENCRYPTION_KEY is generated once into data/, owner-only, and survives restarts", async () => {
    const dbFile = tempDbFile("devkey");
    const server = await start({ dbFile, env: { DATA_ENCRYPTION_KEY: "" } });
    const keyFile = path.join(path.dirname(dbFile), "data-encryption-key");
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const { api, customer, key } = await world(server, "devkey");
    const endpoint = (await api.post("/webhook-endpoints", { url: receiver.url("/devkey"), events: ["customer.updated"] })).body;
    const kid = fs.readFileSync(keyFile, "utf8").trim().split(":")[0];
    expect(column(dbFile, "select secret v from webhook_endpoints")[0]).toMatch(new RegExp(`^v1\\.${kid}\\.`));
    await stopAll();
    const again = await start({ dbFile, env: { DATA_ENCRYPTION_KEY: "" } });
    await deliveredAndVerified(apiClient(again.url, key), customer.id, "/devkey", endpoint.secret);
  });
});

describe("mail handed to SMTP keeps no link token or code", () => {
  it("an emailed portal link and an email-change confirmation are scrubbed from the stored copy once sent", async () => {
    const server = await start();
    const { api, customer } = await world(server, "scrub");
    const ps = (await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: true })).body;
    const invite = await smtp.waitFor((m) => m.text.includes(ps.url), "the invite");
    const code = /\b([A-Z0-9]{6})\b/.exec(invite.text.split(/one-time code[^\n]*\n/i)[1] ?? "")![1];

    const signedIn = (await request((await api.post(`/customers/${customer.id}/portal-sessions`, {})).body.url));
    const cookie = sessionCookie(signedIn)!;
    expect((await postForm(`${server.url}/portal/profile`, { email: "scrub-new@example.com" }, { cookie })).status).toBe(303);
    const confirmation = await smtp.waitFor((m) => m.to.includes("scrub-new@example.com"), "the confirmation");
    const confirmToken = /confirm-email\/([A-Za-z0-9]+)/.exec(confirmation.text)![1];

    type Row = { template: string; status: string; scrub: string | null; html: string; text: string };
    const rows = () => readDb<Row>(server.dbFile, "select template, status, scrub, html, text from mail_outbox order by seq");
    await expect.poll(() => rows().every((r) => r.status === "sent" && r.scrub === null), { timeout: WAIT_TIMEOUT_MS }).toBe(true);
    const stored = rows();
    expect(stored.map((r) => r.template)).toEqual(["portal-invite", "email-change-confirmation"]);
    const everything = stored.map((r) => r.html + r.text).join("\n");
    for (const secret of [tokenOf(ps.url), code, confirmToken]) expect(everything).not.toContain(secret);
    for (const r of stored) expect(r.text).toContain("[redacted]");
    // The mail itself went out whole: the capture has the link and the code.
    expect(invite.text).toContain(code);
  });
});

describe("mail_outbox retention", () => {
  it("sent mail older than MAIL_RETENTION_DAYS is deleted", async () => {
    const server = await start({ env: { MAIL_RETENTION_DAYS: "2" } });
    const { api, customer } = await world(server, "retention");
    const ps = (await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: true })).body;
    await smtp.waitFor((m) => m.text.includes(ps.url), "the invite");
    const count = () => readDb<{ n: number }>(server.dbFile, "select count(*) n from mail_outbox")[0].n;
    await expect.poll(() => readDb<{ status: string }>(server.dbFile, "select status from mail_outbox")[0]?.status, { timeout: WAIT_TIMEOUT_MS }).toBe("sent");
    await server.setClock(3 * 86_400_000);
    await expect.poll(count, { timeout: WAIT_TIMEOUT_MS }).toBe(0);
    // Mail of the moved day itself is kept: only what is older than the period goes.
    const again = (await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: true })).body;
    await smtp.waitFor((m) => m.text.includes(again.url), "the second invite");
    await expect.poll(() => readDb<{ status: string }>(server.dbFile, "select status from mail_outbox")[0]?.status, { timeout: WAIT_TIMEOUT_MS }).toBe("sent");
    expect(count()).toBe(1);
  });
});

describe("backups", () => {
  it("db:backup writes an owner-only file", async () => {
    const server = await start();
    createMerchant(server.dbFile, "Backup Co", "backup-co");
    const target = path.join(path.dirname(server.dbFile), "backups", "owner-only.db");
    const out = runCli("db-backup", [target], server.dbFile);
    expect(out.status).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    // Overwriting an existing, more open file leaves an owner-only one too.
    fs.chmodSync(target, 0o644);
    expect(runCli("db-backup", [target], server.dbFile).status).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });
});
