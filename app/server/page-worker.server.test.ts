import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPageThread, mayRenderInThread } from "./page-worker.server";
import type { RemixServe } from "./remix-adapter.server";
import { tempDir } from "../../test/setup/own-database";

// The dispatcher on the main thread, against a real worker thread that speaks the page thread's
// protocol without the server bundle: it answers "thread <url>", dies on /portal/wallet with the
// page in hand, and holds /portal/usage while the gate file exists. The whole bundle in the thread is exercised
// by the API suite (test/api/page-thread.test.ts, and every portal page of the suites, rendered
// there under PORTICO_TEST_PAGE_THREAD=always).
const FAKE_THREAD = `
import fs from "node:fs";
import { parentPort } from "node:worker_threads";
const GATE = process.env.PAGE_THREAD_TEST_GATE;
parentPort.on("message", (m) => {
  if (m.type !== "page") return;
  if (m.url === "/portal/wallet") process.exit(3);
  const answer = () => {
    const body = new TextEncoder().encode("thread " + m.url);
    parentPort.postMessage({ type: "answer", id: m.id, ok: true, status: 200, statusText: "OK", headers: [["content-type", "text/plain"], ["set-cookie", "skipped=1"]], cookies: ["a=1", "b=2"], body }, [body.buffer]);
  };
  if (m.url !== "/portal/usage") return answer();
  const wait = setInterval(() => {
    if (fs.existsSync(GATE)) return;
    clearInterval(wait);
    answer();
  }, 5);
});
parentPort.postMessage({ type: "ready" });
`;

const dir = tempDir("page-thread-");
const fakeFile = path.join(dir, "fake-thread.mjs");
const gate = path.join(dir, "gate");
fs.writeFileSync(fakeFile, FAKE_THREAD.replace("process.env.PAGE_THREAD_TEST_GATE", JSON.stringify(gate)));
const closeGate = () => fs.writeFileSync(gate, "");
const openGate = () => fs.rmSync(gate, { force: true });

const local: RemixServe = async (req, res) => {
  res.setHeader("content-type", "text/plain");
  res.end(`local ${req.url}`);
};

const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  openGate();
  for (const stop of stops.splice(0)) await stop();
});

async function serveWith(options: Partial<Parameters<typeof createPageThread>[0]> = {}) {
  const thread = createPageThread({ file: fakeFile, local, ...options });
  const server = http.createServer((req, res) => {
    thread.serve(req, res, undefined, { requestId: "r", cspNonce: "n", clientIp: "127.0.0.1" }).catch((error: Error) => {
      res.statusCode = 500;
      res.end(`failed: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stops.push(() => thread.stop(), () => new Promise((resolve) => server.close(resolve)));
  const get = async (p: string) => {
    const res = await fetch(url + p);
    return { status: res.status, text: await res.text(), cookies: res.headers.getSetCookie() };
  };
  return { thread, get };
}

const until = async (what: string, check: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("the page thread's pages", () => {
  it("are the portal's pages whose loaders only read", () => {
    for (const p of ["/portal", "/portal/", "/portal/billing", "/portal/licenses", "/portal/profile", "/portal/subscriptions", "/portal/usage", "/portal/wallet", "/portal/subscriptions/sub_1/cancel"]) {
      expect(mayRenderInThread(p), p).toBe(true);
    }
    for (const p of ["/portal/session/tok", "/portal/invoices/pay_1", "/portal/profile/confirm-email/tok", "/portal/sign-out", "/portal/locale", "/dashboard", "/dashboard/customers", "/portal/billing/x", "/portalx", "/api/v1/customers"]) {
      expect(mayRenderInThread(p), p).toBe(false);
    }
  });
});

describe("createPageThread", () => {
  it("starts the thread at the first page it may render, which the main thread renders meanwhile; the thread renders the next", async () => {
    const { thread, get } = await serveWith();
    expect(thread.running).toBe(false);
    expect((await get("/dashboard")).text).toBe("local /dashboard");
    expect(thread.running).toBe(false);
    expect((await get("/portal/billing")).text).toBe("local /portal/billing");
    expect(thread.running).toBe(true);
    await until("the thread to render a page", async () => (await get("/portal/billing")).text === "thread /portal/billing");
    expect(thread.stats.starts).toBe(1);
    expect((await get("/dashboard")).text).toBe("local /dashboard");
  });

  it("writes the thread's status, headers and cookies (one Set-Cookie each, none from the header list)", async () => {
    const { get } = await serveWith({ always: true });
    const res = await get("/portal");
    expect(res).toEqual({ status: 200, text: "thread /portal", cookies: ["a=1", "b=2"] });
  });

  it("hands the thread at most `depth` pages at once and renders the others on the main thread", async () => {
    const { thread, get } = await serveWith({ depth: 2 });
    await until("the thread to be ready", async () => (await get("/portal")).text === "thread /portal");
    const before = { ...thread.stats };
    closeGate();
    const pages = Array.from({ length: 5 }, () => get("/portal/usage"));
    // Two held in the thread, three rendered here meanwhile; then the thread answers its two.
    await until("three local pages", () => thread.stats.local - before.local === 3);
    expect(thread.stats.thread - before.thread).toBe(2);
    openGate();
    const texts = (await Promise.all(pages)).map((r) => r.text);
    expect(texts.filter((t) => t === "thread /portal/usage")).toHaveLength(2);
    expect(texts.filter((t) => t === "local /portal/usage")).toHaveLength(3);
  });

  it("fails only the pages a dying thread had in hand, and starts another for the next page", async () => {
    const { thread, get } = await serveWith({ always: true });
    const dying = await get("/portal/wallet");
    expect(dying.status).toBe(500);
    expect(dying.text).toMatch(/page thread stopped \(exit code 3\)/);
    expect(thread.stats.failures).toBe(1);
    expect((await get("/portal/billing")).text).toBe("thread /portal/billing");
    expect(thread.stats.starts).toBe(2);
  });

  it("stops the thread after idleMs without a page, not while one is in hand", async () => {
    const { thread, get } = await serveWith({ always: true, idleMs: 200 });
    closeGate();
    const held = get("/portal/usage");
    await until("the page to be in the thread's hands", () => thread.stats.thread === 1);
    // Five idle periods with the page in hand: still running.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(thread.running).toBe(true);
    openGate();
    expect((await held).text).toBe("thread /portal/usage");
    await until("the idle thread to stop", () => !thread.running);
    expect((await get("/portal")).text).toBe("thread /portal");
    expect(thread.stats.starts).toBe(2);
  });
});
