import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { apiClient } from "../setup/api";
import { createMerchant, startServer, startSmtpCapture, type SmtpCapture, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { readDb } from "./portal-helpers";

// The lease a claimed mail holds is two minutes; a restart must not wait for it.
const LEASE_MS = 2 * 60_000;

/** An SMTP port that accepts the connection and never says a word: a send stays in flight. */
async function silentSmtp() {
  const sockets: net.Socket[] = [];
  let connected!: () => void;
  const firstConnection = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    connected();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    firstConnection,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("the mail outbox across kill -9", () => {
  it("a mail claimed but not yet sent when the process dies goes out within seconds of the restart, not after its lease", async () => {
    const silent = await silentSmtp();
    cleanup.push(silent.close);
    const first: TestServer = await startServer({ env: { SMTP_URL: silent.url, RATE_LIMIT_SCALE: "100" } });
    cleanup.push(() => first.stop("SIGKILL"));
    const m = createMerchant(first.dbFile, "Initech", "initech");
    const client = apiClient(first.url, m.apiKey);
    const c = (await client.post("/customers", { email: "samir@example.com", name: "Samir" })).body.id;
    const ps = (await client.post(`/customers/${c}/portal-sessions`, { send_email: true })).body;

    // The worker has claimed the mail and opened the SMTP connection: kill it mid-send.
    await silent.firstConnection;
    expect(await first.stop("SIGKILL")).toBeNull();
    const [left] = readDb<{ status: string; lease_owner: string | null; locked_until: number | null; next_attempt_at: number }>(
      first.dbFile,
      "select status, lease_owner, locked_until, next_attempt_at from mail_outbox",
    );
    // What the dead run left: a queued mail under its lease, the lease naming its holder.
    expect(left.status).toBe("queued");
    expect(left.lease_owner).toMatch(/^main\//);
    expect(left.locked_until! - left.next_attempt_at).toBeGreaterThanOrEqual(LEASE_MS - 60_000);

    const smtp: SmtpCapture = await startSmtpCapture();
    cleanup.push(smtp.close);
    const second = await startServer({ dbFile: first.dbFile, env: { SMTP_URL: smtp.url } });
    cleanup.push(() => second.stop());
    // The clock stands at the moment the mail was queued, inside the dead run's lease however long
    // the restart took: only the release at start-up can let the mail out, never a lease that
    // happened to run out while the test waited.
    await second.freezeClock(left.next_attempt_at);
    const mail = await smtp.waitFor((x) => x.text.includes(ps.url), "the mail the killed run had claimed");
    expect(mail.to).toEqual(["samir@example.com"]);
    expect(second.logs.join("\n")).toContain("released mail left by a previous process");
    const row = await waitUntil("the outbox row to be marked sent", () => readDb<{ status: string }>(first.dbFile, "select status, attempts, lease_owner from mail_outbox where status != 'queued'")[0]);
    expect(row).toEqual({ status: "sent", attempts: 1, lease_owner: null });
  });
});
