import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { writeBody } from "./write-body.server";

// A response body that could produce 128 MB at once, written to a real socket whose client stops
// reading: the body is read only as fast as the socket drains, and a client that leaves cancels it.
const CHUNK = 64 * 1024;
const CHUNKS = 2000;

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

function serve(body: () => ReadableStream<Uint8Array>): Promise<number> {
  server = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "application/octet-stream");
    void writeBody(body(), res).catch(() => {});
  });
  return new Promise((resolve) => server!.listen(0, "127.0.0.1", () => resolve((server!.address() as AddressInfo).port)));
}

function counted() {
  const state = { pulls: 0, cancelled: null as Promise<void> | null };
  let cancel!: () => void;
  state.cancelled = new Promise<void>((resolve) => (cancel = resolve));
  const chunk = new Uint8Array(CHUNK).fill(97);
  const make = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        state.pulls++;
        controller.enqueue(chunk);
        if (state.pulls === CHUNKS) controller.close();
      },
      cancel() {
        cancel();
      },
    });
  return { state, make };
}

describe("writeBody", () => {
  it("reads the body only as fast as a paused client drains it, then delivers every byte", async () => {
    const { state, make } = counted();
    const port = await serve(make);
    let received = 0;
    const done = new Promise<number>((resolve, reject) => {
      const req = http.get({ port, host: "127.0.0.1", path: "/" }, (res) => {
        res.once("data", (first: Buffer) => {
          received += first.length;
          res.pause();
          // While the client reads nothing, the server can fill the socket's buffers and no more.
          setTimeout(() => {
            if (state.pulls >= CHUNKS / 4) return reject(new Error(`the body was read ${state.pulls} chunks ahead of a paused client`));
            res.on("data", (b: Buffer) => (received += b.length));
            res.on("end", () => resolve(received));
            res.resume();
          }, 400);
        });
      });
      req.on("error", reject);
    });
    expect(await done).toBe(CHUNK * CHUNKS);
    expect(state.pulls).toBe(CHUNKS);
  });

  it("ends, and cancels the body, when the client leaves while a chunk is being produced", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let cancelled = false;
    let writing!: Promise<void>;
    let closed!: Promise<void>;
    server = http.createServer((_req, res) => {
      closed = new Promise((resolve) => res.on("close", () => resolve()));
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          // The second chunk is held until the client has gone; the write of it is refused.
          if (pulls++ === 1) await gate;
          controller.enqueue(new Uint8Array(CHUNK));
        },
        cancel() {
          cancelled = true;
        },
      });
      writing = writeBody(body, res);
    });
    const port = await new Promise<number>((resolve) => server!.listen(0, "127.0.0.1", () => resolve((server!.address() as AddressInfo).port)));
    await new Promise<void>((resolve) => {
      const req = http.get({ port, host: "127.0.0.1", path: "/" }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => {});
    });
    await closed;
    open();
    await expect(writing).resolves.toBeUndefined();
    expect(cancelled).toBe(true);
  });

  it("cancels the body when the client goes away", async () => {
    const { state, make } = counted();
    const port = await serve(make);
    await new Promise<void>((resolve) => {
      const req = http.get({ port, host: "127.0.0.1", path: "/" }, (res) => {
        res.once("data", () => {
          res.pause();
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => {});
    });
    await state.cancelled;
    expect(state.pulls).toBeLessThan(CHUNKS);
  });
});
