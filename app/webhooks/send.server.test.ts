import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { postWebhook } from "./send.server";

// A real HTTP server on loopback: what arrives, and how each path answers.
const received: { path: string; body: Buffer; headers: http.IncomingHttpHeaders }[] = [];
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: Buffer.concat(chunks), headers: req.headers });
      if (req.url === "/ok") res.writeHead(204).end();
      else if (req.url === "/redirect") res.writeHead(307, { Location: "/ok" }).end();
      else if (req.url === "/big") res.writeHead(200).end("x".repeat(1_000_000));
      else if (req.url === "/hang") return;
      else res.writeHead(503).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (url: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  // The timeout is a failure bound here (the receiver is in this same, possibly starved, process);
  // the timeout test sets its own.
  postWebhook({ url, body: '{"a":"é"}', headers: { "webhook-id": "evt_1" }, timeoutMs: 60_000, blockPrivate: false, ...extra });

describe("postWebhook", () => {
  it("sends the body byte for byte with its headers; 2xx is delivered", async () => {
    const result = await send(`http://127.0.0.1:${port}/ok`);
    expect(result).toMatchObject({ statusCode: 204, error: null, delivered: true });
    const got = received.find((r) => r.path === "/ok")!;
    expect(got.body.equals(Buffer.from('{"a":"é"}', "utf8"))).toBe(true);
    expect(got.headers).toMatchObject({ "webhook-id": "evt_1", "content-type": "application/json", "content-length": "10" });
  });

  it.each([
    ["/redirect", 307, /redirect/],
    ["/fail", 503, null],
  ])("%s is not delivered (status %d)", async (path, status, error) => {
    const result = await send(`http://127.0.0.1:${port}${path}`);
    expect(result).toMatchObject({ statusCode: status, delivered: false });
    if (error) expect(result.error).toMatch(error);
    expect(received.filter((r) => r.path === "/ok")).toHaveLength(1); // the redirect was not followed
  });

  it("counts a 200 with a huge reply as delivered without reading it all", async () => {
    expect(await send(`http://127.0.0.1:${port}/big`)).toMatchObject({ statusCode: 200, delivered: true });
  });

  it("gives up at the timeout", async () => {
    const result = await send(`http://127.0.0.1:${port}/hang`, { timeoutMs: 300 });
    expect(result).toMatchObject({ statusCode: null, delivered: false, error: "timeout after 300 ms" });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const arrived = received.length;
    const pending = send(`http://127.0.0.1:${port}/hang`, { timeoutMs: 60_000, signal: controller.signal });
    // Aborted while in flight: once the request has arrived (not after a guessed delay).
    await vi.waitFor(() => expect(received.slice(arrived).map((r) => r.path)).toContain("/hang"), { timeout: 60_000, interval: 25 });
    controller.abort();
    expect((await pending).error).toMatch(/aborted/);
  });

  it.each(["127.0.0.1", "localhost", "[::1]"])(
    "with blockPrivate, refuses %s before sending anything",
    async (host) => {
      const before = received.length;
      const result = await send(`http://${host}:${port}/ok`, { blockPrivate: true });
      expect(result).toMatchObject({ statusCode: null, delivered: false });
      expect(result.error).toMatch(/private or reserved/);
      expect(received.length).toBe(before);
    },
  );
});
