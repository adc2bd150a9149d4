import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";
import { postForm, readDb, request, sessionCookie } from "./portal-helpers";

// Issue 12, item 12: at most 5 email-change requests per customer an hour, at the real limit
// (the count is the email_changes table, whatever RATE_LIMIT_SCALE says); the confirmation mail
// to the unverified address does not name the customer. The test clock moves the hour on.

let smtp: SmtpCapture;
let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startServer({ env: { SMTP_URL: smtp.url, RATE_LIMIT_SCALE: "100" } });
  api = apiClient(server.url, createMerchant(server.dbFile, "Acme", "acme").apiKey);
});
afterAll(async () => {
  await server?.stop();
  await smtp?.close();
});

async function signIn(customerId: string) {
  const ps = await api.post(`/customers/${customerId}/portal-sessions`, {});
  return sessionCookie(await request(ps.body.url))!;
}

describe("email-change requests", () => {
  it("the sixth within an hour is refused inline with 429 and mails nothing; an hour later one goes through", async () => {
    const customer = (await api.post("/customers", { email: "zelda.hyrule@example.com", name: "Zelda Hyrule" })).body;
    let cookie = await signIn(customer.id);
    const change = (cookie: string, email: string, extra: Record<string, string> = {}) => postForm(`${server.url}/portal/profile`, { email, ...extra }, { cookie });

    for (let i = 1; i <= 5; i++) {
      const res = await change(cookie, `new${i}@example.com`);
      expect(res.status).toBe(303);
      expect(res.location).toBe("/portal/profile?notice=email_change_sent");
      const mail = await smtp.waitFor((m) => m.to.includes(`new${i}@example.com`), `the confirmation to new${i}`);
      // To an address nobody has verified: the merchant and the address, never the customer's name.
      expect(mail.text).not.toMatch(/Zelda|Hyrule/);
      expect(mail.raw).not.toMatch(/Zelda|Hyrule/);
      expect(mail.text).toContain(`new${i}@example.com`);
    }

    const refused = await change(cookie, "new6@example.com", { name: "Zelda H." });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.text).toContain('data-testid="error-email"');
    expect(refused.text).toContain("Too many email changes in the last hour.");
    expect(refused.text).not.toContain("email_change_sent");
    // All or nothing: the name posted with it was not saved either.
    expect((await api.get(`/customers/${customer.id}`)).body.name).toBe("Zelda Hyrule");

    // An hour on, the next request goes through; its mail is the marker that the sixth never went.
    await server.setClock(61 * 60_000);
    cookie = await signIn(customer.id);
    expect((await change(cookie, "new7@example.com")).status).toBe(303);
    await smtp.waitFor((m) => m.to.includes("new7@example.com"), "the confirmation to new7");
    expect(smtp.messages.filter((m) => m.to.includes("new6@example.com"))).toHaveLength(0);
    expect(readDb(server.dbFile, "select id from mail_outbox where to_address = 'new6@example.com'")).toHaveLength(0);
  });
});
