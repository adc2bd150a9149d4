import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, startServer, type TestServer } from "../setup/server";

// The sign-in page's limits at their real scale: 10 mails an hour per IP, 3 per address. The
// client IP comes from X-Forwarded-For (one trusted proxy hop), so one test plays several clients.
let server: TestServer;
let signInUrl: string;

beforeAll(async () => {
  server = await startServer({ env: { RATE_LIMIT_SCALE: "1", TRUST_PROXY: "1" } });
  signInUrl = `${server.url}/p/${createMerchant(server.dbFile, "Limits", "limits").slug}`;
});
afterAll(async () => {
  await server?.stop();
});

/** A browser's form post (no JavaScript) from the client `ip`. */
const signIn = (email: string, ip: string) =>
  fetch(signInUrl, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": ip },
    body: new URLSearchParams({ intent: "email", email }).toString(),
  });

describe("POST /p/<slug>", () => {
  it("checks the per-IP limit first: a request it refuses never charges the address, and every 429 carries Retry-After", async () => {
    // No refill (10 an hour per IP, 3 per address) while the requests run, however slowly.
    await server.freezeClock();
    const a = "203.0.113.10";
    for (let i = 0; i < 10; i++) expect((await signIn(`filler${i}@example.com`, a)).status).toBe(200);
    // IP a is used up: these three are refused before the address's counter is touched.
    for (let i = 0; i < 3; i++) {
      const refused = await signIn("target@example.com", a);
      expect(refused.status).toBe(429);
      // A plain form post (a document request, no JavaScript) gets Retry-After too.
      expect(refused.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    }
    // From another client, the address still has all three of its mails an hour.
    const b = "198.51.100.20";
    for (let i = 0; i < 3; i++) expect((await signIn("target@example.com", b)).status).toBe(200);
    const perAddress = await signIn("target@example.com", b);
    expect(perAddress.status).toBe(429);
    expect(perAddress.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  });
});
