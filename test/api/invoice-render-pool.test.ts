import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import { tempDir } from "../setup/own-database";

/**
 * First renders of invoice PDFs run in the worker pool (app/pdf/pool.server.ts), never on the
 * main thread. The server's test gate (PORTICO_TEST_PDF_GATE, off in production) holds a render
 * in its thread, synchronously, while `<gate>/closed` exists, and writes `<gate>/entered-*` when a
 * render reaches it: the same stall a long render causes. Had the render run on the main thread,
 * the gate would stall the whole server and nothing below it could be answered.
 */
type World = { server: TestServer; api: ApiClient; apiKey: string; gate: string };

async function startWorld(): Promise<World> {
  const gate = tempDir("pdf-gate-");
  const server = await startServer({ env: { PORTICO_TEST_PDF_GATE: gate, RATE_LIMIT_SCALE: "100" } });
  const merchant = createMerchant(server.dbFile, "Acme");
  return { server, api: apiClient(server.url, merchant.apiKey), apiKey: merchant.apiKey, gate };
}

const closeGate = (w: World) => fs.writeFileSync(path.join(w.gate, "closed"), "");
const openGate = (w: World) => fs.rmSync(path.join(w.gate, "closed"), { force: true });
const enteredGate = (w: World) => fs.readdirSync(w.gate).filter((f) => f.startsWith("entered-")).length;

async function invoices(w: World, count: number) {
  const customer = (await w.api.post("/customers", { email: `minji.${count}@example.com`, name: "김민지" })).body.id as string;
  const made: { id: string; invoice_number: string }[] = [];
  for (let i = 0; i < count; i++) {
    const res = await w.api.post("/payments", {
      customer_id: customer,
      status: "succeeded",
      currency: "KRW",
      items: [{ description: `프로 요금제 ${i}`, quantity: 1, unit_amount: 12000 + i }],
    });
    expect(res.status).toBe(201);
    made.push(res.body);
  }
  return made;
}

/** A download in flight, with whether it has settled yet. */
function download(w: World, paymentId: string) {
  const state = { settled: false };
  const result = fetch(`${w.server.url}/api/v1/payments/${paymentId}/invoice?locale=ko`, { headers: { Authorization: `Bearer ${w.apiKey}` } })
    .then(async (res) => ({ status: res.status, bytes: Buffer.from(await res.arrayBuffer()) }))
    .finally(() => (state.settled = true));
  return { state, result };
}

const rendered = (w: World) => w.server.logs.filter((l) => l.includes('"msg":"invoice rendered"')).map((l) => JSON.parse(l) as { payment_id: string; thread_id: number });

const tmp = tempDir("render-pool-");
function pdfText(bytes: Buffer, name: string) {
  const file = path.join(tmp, `${name}.pdf`);
  fs.writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

describe("invoice renders in the worker pool", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    openGate(w);
    await w?.server.stop();
  });

  it("keeps answering while a batch of first renders holds the render thread, and renders off the main thread", async () => {
    const batch = await invoices(w, 3);
    const entered = enteredGate(w);
    closeGate(w);
    const downloads = batch.map((p) => download(w, p.id));
    // One render has reached its thread and is held there; the others wait for the thread.
    await waitUntil("a render held at the gate", () => enteredGate(w) > entered);
    await waitUntil("the three renders in flight", async () => (await (await fetch(`${w.server.url}/__test/pdf-renders`)).json()).renders === 3);
    // The event loop is free: the health check, an API read and a page are answered now.
    const health = await fetch(`${w.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await w.api.get(`/payments/${batch[0].id}`)).status).toBe(200);
    expect((await fetch(`${w.server.url}/p/does-not-exist`)).status).toBeLessThan(500);
    // …while every render is still in flight (the gate is closed: none could have finished).
    expect(downloads.map((d) => d.state.settled)).toEqual([false, false, false]);
    expect(rendered(w)).toEqual([]);

    openGate(w);
    const results = await Promise.all(downloads.map((d) => d.result));
    results.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(pdfText(r.bytes, `batch-${i}`)).toContain(batch[i].invoice_number);
    });
    // The log lines reach the test through the server's stdout, which may trail the responses.
    await waitUntil("three render log lines", () => rendered(w).length >= 3);
    const lines = rendered(w);
    expect(lines.map((l) => l.payment_id).sort()).toEqual(batch.map((p) => p.id).sort());
    // Worker threads: the main thread's id is 0.
    for (const line of lines) expect(line.thread_id).toBeGreaterThan(0);
  });

  it("renders an invoice once for concurrent first downloads, and they all get the same bytes", async () => {
    const [payment] = await invoices(w, 1);
    const entered = enteredGate(w);
    closeGate(w);
    const downloads = Array.from({ length: 8 }, () => download(w, payment.id));
    await waitUntil("the render held at the gate", () => enteredGate(w) > entered);
    // Every download has joined the one render in flight before it may finish.
    await waitUntil("eight downloads waiting on one render", async () => {
      const state = await (await fetch(`${w.server.url}/__test/pdf-renders`)).json();
      return state.renders === 1 && state.waiters === 8;
    });
    openGate(w);
    const results = await Promise.all(downloads.map((d) => d.result));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.bytes.equals(results[0].bytes)).toBe(true);
    }
    expect(pdfText(results[0].bytes, "single-flight")).toContain(payment.invoice_number);
    await waitUntil("the render's log line", () => rendered(w).some((l) => l.payment_id === payment.id));
    expect(rendered(w).filter((l) => l.payment_id === payment.id)).toHaveLength(1);
    // Later downloads are served from the cache: still one render.
    const again = await download(w, payment.id).result;
    expect(again.bytes.equals(results[0].bytes)).toBe(true);
    expect(rendered(w).filter((l) => l.payment_id === payment.id)).toHaveLength(1);
  });
});

describe("shutdown with renders in flight", () => {
  it("lets the renders finish, answers their downloads and exits cleanly", async () => {
    const w = await startWorld();
    try {
      const batch = await invoices(w, 2);
      closeGate(w);
      const downloads = batch.map((p) => download(w, p.id));
      await waitUntil("a render held at the gate", () => enteredGate(w) > 0);
      await waitUntil("both renders in flight", async () => (await (await fetch(`${w.server.url}/__test/pdf-renders`)).json()).renders === 2);
      const exited = w.server.stop("SIGTERM");
      await w.server.waitForLog("of the shutdown", (l) => l.includes('"msg":"shutting down"'));
      expect(downloads.map((d) => d.state.settled)).toEqual([false, false]);
      openGate(w);
      const results = await Promise.all(downloads.map((d) => d.result));
      results.forEach((r, i) => {
        expect(r.status).toBe(200);
        expect(pdfText(r.bytes, `shutdown-${i}`)).toContain(batch[i].invoice_number);
      });
      expect(await exited).toBe(0);
      expect(w.server.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
      expect(w.server.logs.join("\n")).not.toMatch(/"level":50|unhandled|Error/);
      // Both were stored before the database closed.
      expect(rendered(w)).toHaveLength(2);
    } finally {
      openGate(w);
      await w.server.stop();
    }
  });
});
