import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export type Received = {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
};

/** What the receiver answers on a path: a status, a redirect, a slow status, or no answer at all. */
export type Behaviour = number | "hang" | { redirect: string } | { status: number; afterMs: number };

/**
 * A real merchant endpoint on loopback: records every request exactly as it arrived (raw body
 * bytes, headers), answers per path from a script (`[500, 200]` = 500 first, then 200 forever).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Behaviour[]>();
  const hung = new Set<http.ServerResponse>();
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
      if (typeof behaviour === "object" && "redirect" in behaviour) {
        res.writeHead(302, { Location: behaviour.redirect }).end();
        return;
      }
      if (typeof behaviour === "object") {
        setTimeout(() => res.writeHead(behaviour.status).end("ok"), behaviour.afterMs);
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
    async waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      for (const res of hung) res.destroy();
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
