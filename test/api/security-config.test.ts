import os from "node:os";
import net from "node:net";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { apiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { getRaw } from "./portal-helpers";

// Issue 12, items 4, 6 and 10, each against a real second process: what start-up refuses
// (TRUST_PROXY=true, a plain-http public PUBLIC_URL in production, a production without its
// data key), which X-Forwarded-For entry is the client, where the server listens, when
// /dev/mailbox exists, and that no request log line shows a token however its path is spelled.

const started: TestServer[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});
async function start(env: Record<string, string> = {}) {
  const server = await startServer({ env });
  started.push(server);
  return server;
}

/** The `ip` of a request's log line, once the line is written. */
async function loggedIp(server: TestServer, requestId: string | null): Promise<string> {
  return (JSON.parse(await server.requestLogged(requestId)) as { ip: string }).ip;
}
async function ipSeen(server: TestServer, forwardedFor?: string) {
  const res = await fetch(`${server.url}/healthz`, { headers: forwardedFor ? { "X-Forwarded-For": forwardedFor } : {} });
  expect(res.status).toBe(200);
  return loggedIp(server, res.headers.get("x-request-id"));
}

describe("4. TRUST_PROXY", () => {
  it.each(["true", "TRUE", "yes", "10.0.0.0/33", "-1"])("TRUST_PROXY=%s stops start-up with a message naming TRUST_PROXY", async (value) => {
    await expect(startServer({ env: { TRUST_PROXY: value } })).rejects.toThrow(/TRUST_PROXY/);
  });

  it("a hop count takes the entry N hops from the right: what a client adds on the left changes nothing", async () => {
    const one = await start({ TRUST_PROXY: "1" });
    expect(await ipSeen(one, "203.0.113.7")).toBe("203.0.113.7");
    expect(await ipSeen(one, "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(await ipSeen(one, "1.1.1.1,2.2.2.2, 203.0.113.7")).toBe("203.0.113.7");
    const two = await start({ TRUST_PROXY: "2" });
    expect(await ipSeen(two, "6.6.6.6, 203.0.113.8, 10.0.0.2")).toBe("203.0.113.8");
  });

  it("a list of proxy CIDRs takes the right-most entry that is not a trusted proxy", async () => {
    const server = await start({ TRUST_PROXY: "127.0.0.0/8, 10.0.0.0/8" });
    expect(await ipSeen(server, "6.6.6.6, 203.0.113.9, 10.1.2.3")).toBe("203.0.113.9");
    expect(await ipSeen(server, "203.0.113.9, 6.6.6.6")).toBe("6.6.6.6");
  });

  it.each([[undefined], ["false"], ["0"]])("TRUST_PROXY=%s ignores the header", async (value) => {
    const server = await start(value === undefined ? {} : { TRUST_PROXY: value });
    expect(await ipSeen(server, "203.0.113.7")).toBe("127.0.0.1");
  });

  it("rotating the left-hand entries does not escape a per-IP limit", async () => {
    const server = await start({ TRUST_PROXY: "1", RATE_LIMIT_SCALE: "1" });
    const slug = createMerchant(server.dbFile, "Proxy Co", "proxy-co").slug;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await fetch(`${server.url}/p/${slug}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin", "X-Forwarded-For": `10.9.8.${i}, 203.0.113.77` },
        body: new URLSearchParams({ intent: "email", email: `u${i}@example.com` }).toString(),
      });
      statuses.push(res.status);
    }
    // 10 sign-in mails an hour per IP: the eleventh is refused, whatever the client wrote first.
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
  });
});

describe("6. safe defaults", () => {
  it("production refuses a plain-http PUBLIC_URL that is not loopback, naming PUBLIC_URL", async () => {
    for (const url of ["http://portico.example.com", "http://10.0.0.5:3000", "http://192.168.1.20"]) {
      await expect(startServer({ env: { NODE_ENV: "production", PUBLIC_URL: url } })).rejects.toThrow(/PUBLIC_URL must be https/);
    }
  });

  it("production keeps working on http://127.0.0.1:<port>, and has no /dev/mailbox", async () => {
    const server = await start({ NODE_ENV: "production" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/dev/mailbox`)).status).toBe(404);
  });

  it("production refuses to start without DATA_ENCRYPTION_KEY", async () => {
    await expect(startServer({ env: { NODE_ENV: "production", DATA_ENCRYPTION_KEY: "" } })).rejects.toThrow(/DATA_ENCRYPTION_KEY must be set/);
  });

  it("/dev/mailbox is served only when PUBLIC_URL is localhost or loopback", async () => {
    const loopback = await start();
    const page = await fetch(`${loopback.url}/dev/mailbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Dev mailbox");
    for (const publicUrl of ["http://portico.example.test", "https://billing.example.com", "http://10.0.0.5:3000"]) {
      const exposed = await start({ PUBLIC_URL: publicUrl });
      expect((await fetch(`${exposed.url}/dev/mailbox`)).status).toBe(404);
      expect((await fetch(`${exposed.url}/healthz`)).status).toBe(200);
    }
  });

  it("outside production, without HOST, the server listens on loopback only", async () => {
    const server = await start({ HOST: "" });
    const listening = JSON.parse(server.logs.find((l) => l.includes('"msg":"listening"'))!);
    expect(listening.host).toBe("127.0.0.1");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Where the machine has another interface, nothing answers there.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: external.address, port: server.port });
        socket.once("connect", () => (socket.destroy(), resolve(false)));
        socket.once("error", () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });
});

describe("10. tokens never reach the log", () => {
  it("however the token page's path is spelled, the request log shows [redacted], never the token", async () => {
    const server = await start();
    const api = apiClient(server.url, createMerchant(server.dbFile, "Logs Co", "logs-co").apiKey);
    const customer = (await api.post("/customers", { email: "logged@example.com" })).body;
    const mint = async () => (await api.post(`/customers/${customer.id}/portal-sessions`, { send_email: true })).body.url as string;
    const token = (url: string) => url.split("/portal/session/")[1];
    const spellings = [
      (t: string) => `/PORTAL/SESSION/${t}`,
      (t: string) => `/portal/./session/${t}`,
      (t: string) => `//portal//session/${t}`,
      (t: string) => `/portal/session/${t.replace(/\./g, "%2E")}`,
      (t: string) => `/%70ortal/session/${t}`,
      (t: string) => `/Portal/x/../Session/${t}?utm=1`,
    ];
    const tokens: string[] = [];
    for (const spell of spellings) {
      const t = token(await mint());
      tokens.push(t);
      // Sent as written (no client-side URL parsing): each spelling reaches a page (the Continue
      // page, or a 401/404), and the request is logged.
      await server.requestLogged((await getRaw(server.url, spell(t))).requestId);
    }
    // The email-change confirmation path too.
    const secret = "Zk3sTokenValue123456789012345";
    await server.requestLogged((await getRaw(server.url, `/PORTAL/PROFILE/./CONFIRM-EMAIL/${secret}`)).requestId);

    const log = server.logs.join("\n");
    expect(log.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(spellings.length + 1);
    for (const t of tokens) for (const piece of t.split(".")) expect(log).not.toContain(piece);
    expect(log).not.toContain(secret);
  });

  it("a failing query logs the SQL error without the values bound to it", async () => {
    const server = await start({ NODE_ENV: "production" });
    const { apiKey } = createMerchant(server.dbFile, "Broken Co");
    const db = new Database(server.dbFile);
    db.exec("DROP TABLE audit_log");
    db.close();
    const res = await apiClient(server.url, apiKey).post("/customers", { email: "bound-value@example.com", name: "Bound Value" });
    expect(res.status).toBe(500);
    const requestId = res.headers.get("x-request-id")!;
    const line = await server.waitForLog("of the failed query", (l) => l.includes(requestId) && l.includes("audit_log"));
    expect(line).not.toContain("bound-value@example.com");
    expect(line).not.toContain("Bound Value");
    expect(line).not.toMatch(/params/);
  });
});
