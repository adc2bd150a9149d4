import Database from "better-sqlite3";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect } from "vitest";
import { apiClient } from "../setup/api";
import { createMerchant, startServer } from "../setup/server";
import { waitUntil } from "../setup/wait";

export type Received = {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
};

/**
 * What the receiver answers on a path: a status, a redirect, no answer at all ("hang"), or no
 * answer until the test calls `release` ("hold": an attempt kept in flight as long as needed).
 */
export type Behaviour = number | "hang" | "hold" | { redirect: string };

/**
 * A real merchant endpoint on loopback: records every request exactly as it arrived (raw body
 * bytes, headers), answers per path from a script (`[500, 200]` = 500 first, then 200 forever).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Behaviour[]>();
  const hung = new Set<http.ServerResponse>();
  const held = new Map<string, http.ServerResponse[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const script = scripts.get(path) ?? [200];
      const behaviour = script.length > 1 ? script.shift()! : script[0];
      if (behaviour === "hang") {
        hung.add(res);
        res.on("close", () => hung.delete(res));
        return;
      }
      if (behaviour === "hold") {
        held.set(path, [...(held.get(path) ?? []), res]);
        return;
      }
      if (typeof behaviour === "object") {
        res.writeHead(302, { Location: behaviour.redirect }).end();
        return;
      }
      res.writeHead(behaviour, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    received,
    url: (path: string) => `${base}${path}`,
    /** Sets how `path` answers from now on. */
    script(path: string, behaviours: Behaviour[]) {
      scripts.set(path, [...behaviours]);
    },
    on: (path: string) => received.filter((r) => r.path === path),
    /** Answers every request held on `path` with `status`. */
    release(path: string, status = 200) {
      for (const res of held.get(path) ?? []) res.writeHead(status, { "Content-Type": "text/plain" }).end("ok");
      held.delete(path);
    },
    async waitFor(predicate: () => boolean, what: string) {
      await waitUntil(what, predicate);
    },
    async close() {
      for (const res of [...hung, ...[...held.values()].flat()]) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;


/** Verifies one received request with the reference library; returns the parsed event. */
export function verify(secret: string, r: Received): any {
  return new Webhook(secret).verify(r.body, r.headers);
}

/** Runs one read-only query against a server's database file. */
export function readDb<T>(dbFile: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * Waits until every delivery queued for these endpoints (all of the server's, without ids) is
 * final: delivered, or failed after its last try. The queue is the server's own record, and an
 * attempt is recorded only after the receiver has answered it, so from then on the receiver has
 * seen every request that will ever come: the positive marker a "nothing more arrives" check
 * needs, instead of a quiet period.
 */
export async function deliveriesSettled(dbFile: string, endpointIds?: string[]) {
  const filter = endpointIds ? ` and endpoint_id in (${endpointIds.map(() => "?").join(",")})` : "";
  await waitUntil(`the webhook queue to settle${endpointIds ? ` for ${endpointIds.join(", ")}` : ""}`, () =>
    readDb(dbFile, (db) => (db.prepare(`select count(*) as n from webhook_deliveries where status = 'pending'${filter}`).get(...(endpointIds ?? [])) as { n: number }).n === 0),
  );
}

/**
 * The event tests' world, one per test file (started before its first test, stopped after its
 * last): a server and a receiver, a merchant whose one endpoint (every event, at the receiver's
 * /events) signs with `secret`, and a monthly product to subscribe to.
 */
export function eventWorldPerFile(merchantName: string) {
  const world = {} as Awaited<ReturnType<typeof startEventWorld>>;
  beforeAll(async () => {
    Object.assign(world, await startEventWorld(merchantName));
  });
  afterAll(async () => {
    await world.server?.stop();
    await world.receiver?.close();
  });
  return world;
}

async function startEventWorld(merchantName: string) {
  const server = await startServer();
  const receiver = await startReceiver();
  const api = apiClient(server.url, createMerchant(server.dbFile, merchantName).apiKey);
  const endpoint = await api.post("/webhook-endpoints", { url: receiver.url("/events") });
  expect(endpoint.status).toBe(201);
  const secret: string = endpoint.body.secret;
  const product = await api.post("/products", { name: "Pro", type: "subscription", price: 1500, currency: "usd", interval: "month" });
  expect(product.status).toBe(201);
  return {
    server,
    receiver,
    api,
    productId: product.body.id as string,
    /**
     * Verified events about `objectId` (of `type`, when given), once `atLeast` have arrived and the
     * server's queue has settled: every event the calls so far emitted (in their own
     * transactions) has then been sent and answered.
     */
    async eventsFor(objectId: string, opts: { type?: string; atLeast?: number } = {}) {
      const matching = () =>
        receiver
          .on("/events")
          .map((r) => verify(secret, r))
          .filter((e) => e.data.object.id === objectId && (!opts.type || e.type === opts.type));
      await receiver.waitFor(() => matching().length >= (opts.atLeast ?? 1), `${opts.type ?? "events"} for ${objectId}`);
      await deliveriesSettled(server.dbFile);
      return matching();
    },
  };
}
