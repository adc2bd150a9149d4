import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import net from "node:net";
import { createMerchant, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";
import { WAIT_TIMEOUT_MS, waitUntil } from "../setup/wait";
import { h1, outboxDrained, postForm, readDb, request, sessionCookie } from "./portal-helpers";

let smtp: SmtpCapture;
let server: TestServer;
let api: ApiClient;
let customerId: string;

const linkIn = (text: string) => /(http:\/\/127\.0\.0\.1:\d+\/portal\/session\/[A-Za-z0-9_.-]+)/.exec(text)?.[1];
const codeIn = (text: string) => /\b([A-Z0-9]{6})\b/.exec(text.split(/one-time code[^\n]*\n/i)[1] ?? "")?.[1];

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { SMTP_URL: smtp.url, MAIL_FROM: "Acme Billing <billing@acme.example>", RATE_LIMIT_SCALE: "100" } });
  const m = createMerchant(server.dbFile, "Acme", "acme");
  api = apiClient(server.url, m.apiKey);
  customerId = (await api.post("/customers", { email: "mia@example.com", name: "Mia Rossi" })).body.id;
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

describe("mail through real SMTP", () => {
  it("send_email: true delivers the link and its code; the link renders Continue", async () => {
    const ps = (await api.post(`/customers/${customerId}/portal-sessions`, { send_email: true })).body;
    const mail = await smtp.waitFor((m) => m.text.includes(ps.url));
    expect(mail.to).toEqual(["mia@example.com"]);
    expect(mail.from).toBe("billing@acme.example");
    expect(mail.subject).toBe("Manage your Acme billing");
    expect(mail.raw).toMatch(/text\/html/);
    expect(linkIn(mail.text)).toBe(ps.url);
    expect(codeIn(mail.text)).toMatch(/^[A-Z0-9]{6}$/);
    expect(h1((await request(ps.url)).text)).toBe("Continue to Acme billing");
    // The capture holds the message before its "250 OK" reaches the server, which only then
    // marks the row sent: wait for that, then check it took one attempt.
    const row = await waitUntil("the outbox row to be marked sent", () =>
      readDb<{ status: string; attempts: number }>(server.dbFile, "select status, attempts from mail_outbox where to_address = ? and status != 'queued'", "mia@example.com")[0],
    );
    expect(row).toEqual({ status: "sent", attempts: 1 });
  });

  it("translates the mail into Korean", async () => {
    const ps = (await api.post(`/customers/${customerId}/portal-sessions`, { send_email: true, locale: "ko" })).body;
    const mail = await smtp.waitFor((m) => m.text.includes(ps.url));
    expect(mail.subject).toBe("Acme 결제 정보 관리");
    expect(mail.text).toContain("결제 포털");
  });

  it("the sign-in page answers alike for known and unknown emails; only the known one gets mail", async () => {
    const page = await request(`${server.url}/p/acme`);
    expect(page.status).toBe(200);
    expect(h1(page.text)).toBe("Sign in to Acme billing");
    const before = smtp.messages.length;
    const known = await postForm(`${server.url}/p/acme`, { intent: "email", email: "MIA@example.com" });
    const unknown = await postForm(`${server.url}/p/acme`, { intent: "email", email: "nobody@example.com" });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (html: string, email: string) => html.replaceAll(email, "EMAIL").replace(/nonce="[^"]*"/g, "").replace(/"requestId":"[^"]*"/g, "");
    expect(strip(known.text, "mia@example.com")).toBe(strip(unknown.text, "nobody@example.com"));
    const mail = await smtp.waitFor((m) => m.subject === "Your Acme sign-in link" && smtp.messages.indexOf(m) >= before);
    expect(mail.to).toEqual(["mia@example.com"]);
    expect(mail.text).toMatch(/15 minutes/);
    await outboxDrained(server.dbFile); // a mail to nobody@ would have been handed over by now
    expect(readDb(server.dbFile, "select 1 from mail_outbox where to_address = ?", "nobody@example.com")).toHaveLength(0);
    expect(smtp.messages.filter((m) => m.to.includes("nobody@example.com"))).toHaveLength(0);
    expect((await request(`${server.url}/p/no-such-merchant`)).status).toBe(404);
  });

  it("the code signs in once; wrong codes die after 5 tries", async () => {
    const before = smtp.messages.length;
    await postForm(`${server.url}/p/acme`, { intent: "email", email: "mia@example.com" });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.subject === "Your Acme sign-in link");
    const code = codeIn(mail.text)!;
    const wrong = await postForm(`${server.url}/p/acme`, { intent: "code", email: "mia@example.com", code: code === "AAAAAA" ? "BBBBBB" : "AAAAAA" });
    expect(wrong.status).toBe(422);
    expect(sessionCookie(wrong)).toBeNull();
    const right = await postForm(`${server.url}/p/acme`, { intent: "code", email: "mia@example.com", code: code.toLowerCase() });
    expect(right.status).toBe(303);
    expect(right.location).toBe("/portal");
    const cookie = sessionCookie(right)!;
    expect((await request(`${server.url}/portal`, { cookie })).text).toContain("Mia Rossi");
    // Single use: the code, and the link from the same mail, are spent.
    expect((await postForm(`${server.url}/p/acme`, { intent: "code", email: "mia@example.com", code })).status).toBe(422);
    expect((await request(linkIn(mail.text)!)).status).toBe(401);

    const before2 = smtp.messages.length;
    await postForm(`${server.url}/p/acme`, { intent: "email", email: "mia@example.com" });
    const mail2 = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before2 && m.subject === "Your Acme sign-in link");
    const code2 = codeIn(mail2.text)!;
    for (let i = 0; i < 5; i++) {
      expect((await postForm(`${server.url}/p/acme`, { intent: "code", email: "mia@example.com", code: code2 === "ZZZZZ9" ? "ZZZZZ8" : "ZZZZZ9" })).status).toBe(422);
    }
    expect((await postForm(`${server.url}/p/acme`, { intent: "code", email: "mia@example.com", code: code2 })).status).toBe(422);
  });

  it("an expired link offers 'email me a new link', which sends a fresh one (same answer for junk)", async () => {
    const ps = (await api.post(`/customers/${customerId}/portal-sessions`, { send_email: true, expires_in: 300 })).body;
    await server.setClock(10 * 60_000);
    try {
      const page = await request(ps.url);
      expect(page.status).toBe(401);
      expect(page.text).toContain("Email me a new link");
      const before = smtp.messages.length;
      const resent = await postForm(ps.url, { intent: "resend" });
      expect(resent.status).toBe(200);
      const junk = await postForm(`${server.url}/portal/session/junk.junk.junk`, { intent: "resend" });
      expect(h1(junk.text)).toBe(h1(resent.text));
      const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && m.subject === "Your Acme sign-in link");
      expect(mail.to).toEqual(["mia@example.com"]);
      const fresh = await postForm(linkIn(mail.text)!, { intent: "continue" });
      expect(fresh.status).toBe(303);
    } finally {
      await server.setClock(0);
    }
  });
});

describe("the outbox survives a restart", () => {
  it("mail queued while SMTP is down is delivered after a restart", async () => {
    // SMTP down: a port that is bound (so nobody else can take it) and drops every connection.
    const down = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => down.listen(0, "127.0.0.1", resolve));
    const downUrl = `smtp://127.0.0.1:${(down.address() as net.AddressInfo).port}`;
    const first = await startServer({ env: { SMTP_URL: downUrl, RATE_LIMIT_SCALE: "100" } });
    const m = createMerchant(first.dbFile, "Initech", "initech");
    const client = apiClient(first.url, m.apiKey);
    const c = (await client.post("/customers", { email: "peter@example.com", name: "Peter" })).body.id;
    const ps = (await client.post(`/customers/${c}/portal-sessions`, { send_email: true })).body;
    // Wait for the failed first attempt, then kill the process outright.
    await waitUntil("the first send to fail", () => readDb<{ last_error: string | null }>(first.dbFile, "select last_error from mail_outbox")[0]?.last_error);
    expect(readDb<{ status: string }>(first.dbFile, "select status from mail_outbox")[0].status).toBe("queued");
    await first.stop("SIGKILL");
    await new Promise<void>((resolve) => down.close(() => resolve()));

    // SMTP back up (at an address of its own: the restarted process is configured with it).
    const capture = await startSmtpCapture();
    const second = await startServer({ dbFile: first.dbFile, env: { SMTP_URL: capture.url } });
    try {
      await second.setClock(60 * 60_000); // past the retry backoff
      const mail = await capture.waitFor((x) => x.text.includes(ps.url));
      expect(mail.to).toEqual(["peter@example.com"]);
      await expect
        .poll(() => readDb<{ status: string }>(first.dbFile, "select status from mail_outbox")[0].status, { timeout: WAIT_TIMEOUT_MS })
        .toBe("sent");
    } finally {
      await second.stop();
      await capture.close();
    }
  });
});
