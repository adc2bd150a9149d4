import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { fairQueue } from "./fair-queue.server";

const fake = (id: number, destroyed = false) =>
  [{ id, socket: { destroyed } } as unknown as IncomingMessage, { id } as unknown as ServerResponse] as const;
const idOf = (x: IncomingMessage | ServerResponse) => (x as unknown as { id: number }).id;
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe("fairQueue", () => {
  it("starts requests that arrive in one turn one per turn, in arrival order", async () => {
    const log: string[] = [];
    const handle = fairQueue((req) => {
      log.push(`start ${idOf(req)}`);
      // Work the request left for the next turn (a render React schedules, a write callback).
      setImmediate(() => log.push(`next turn of ${idOf(req)}`));
    });
    // Five requests parsed in the same turn (as a busy server reads them from five sockets).
    for (let i = 1; i <= 5; i++) handle(...fake(i));
    expect(log).toEqual([]);
    while (log.length < 10) await settle();
    // Each request started only after the previous one's turn was over: without the queue all
    // five would start before any of them reached its next turn.
    expect(log).toEqual(["start 1", "next turn of 1", "start 2", "next turn of 2", "start 3", "next turn of 3", "start 4", "next turn of 4", "start 5", "next turn of 5"]);
  });

  it("skips a request whose client went away while it waited", async () => {
    const started: number[] = [];
    const handle = fairQueue((req) => void started.push(idOf(req)));
    handle(...fake(1));
    handle(...fake(2, true));
    handle(...fake(3));
    while (started.length < 2) await settle();
    await settle();
    expect(started).toEqual([1, 3]);
  });

  it("keeps serving after the queue ran empty", async () => {
    const started: number[] = [];
    const handle = fairQueue((req) => void started.push(idOf(req)));
    handle(...fake(1));
    while (started.length < 1) await settle();
    handle(...fake(2));
    handle(...fake(3));
    while (started.length < 3) await settle();
    expect(started).toEqual([1, 2, 3]);
  });

  it("answers every request of many concurrent connections over real HTTP", async () => {
    const server = http.createServer(
      fairQueue((req, res) => {
        res.setHeader("Content-Type", "text/plain");
        res.end(`hello ${req.url}`);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const bodies = await Promise.all(
        Array.from({ length: 60 }, (_, i) => fetch(`http://127.0.0.1:${port}/r${i}`).then((r) => r.text())),
      );
      expect(bodies).toEqual(Array.from({ length: 60 }, (_, i) => `hello /r${i}`));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
