import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The front on a real node:http server, with an empty route table (every /api/v1 path is the
// API's JSON 404) and a fallback standing in for the Express app.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-front-"));
process.env.DATABASE_PATH = path.join(dir, "portico.db");
process.env.NODE_ENV = "test";
process.env.LOG_LEVEL = "silent";

let front: typeof import("./front.server");
let server: http.Server;
let base: string;
let shuttingDown = false;

beforeAll(async () => {
  front = await import("./front.server");
  const app = express();
  const handler = front.createFront({
    routes: [],
    origin: "http://127.0.0.1",
    trust: app.get("trust proxy fn"),
    securityHeaders: front.captureHeaders([helmet()]),
    pageHeaders: (nonce) => ["Content-Security-Policy", `script-src 'nonce-${nonce}'`],
    readBody: express.raw({ type: () => true, limit: "1mb" }),
    checkHealth: () => {},
    isShuttingDown: () => shuttingDown,
    fallback: (_req, res) => res.writeHead(418, { "Content-Type": "text/plain" }).end("express"),
  });
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("createFront", () => {
  it("captures the headers helmet sets, in order, without X-Powered-By", () => {
    const headers = front.captureHeaders([helmet(), (_req, res, next) => (res.setHeader("X-Frame-Options", "DENY"), next())]);
    const names = headers.filter((_, i) => i % 2 === 0);
    expect(names).toContain("X-Content-Type-Options");
    expect(names).not.toContain("X-Powered-By");
    // Set again: the same place, the new value.
    expect(names.filter((n) => n === "X-Frame-Options")).toHaveLength(1);
    expect(headers[headers.indexOf("X-Frame-Options") + 1]).toBe("DENY");
  });

  it("hands every other request to the fallback", async () => {
    for (const [method, url] of [["GET", "/"], ["GET", "/api/v2/x"], ["PROPFIND", "/api/v1/customers"], ["POST", "/healthz"]]) {
      const res = await fetch(`${base}${url}`, { method });
      expect([res.status, await res.text()], `${method} ${url}`).toEqual([418, "express"]);
    }
  });

  it("answers /api/v1 with the request id, the captured headers and the API's JSON", async () => {
    const res = await fetch(`${base}/api/v1/nope`);
    expect([res.status, (await res.clone().json()).error.code]).toEqual([404, "unrecognized_request_url"]);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("connection")).toBe("keep-alive");
  });

  it("answers with Connection: close once the server is shutting down", async () => {
    shuttingDown = true;
    try {
      for (const url of ["/api/v1/nope", "/healthz"]) {
        const res = await fetch(`${base}${url}`);
        expect(res.headers.get("connection"), url).toBe("close");
        await res.text();
      }
    } finally {
      shuttingDown = false;
    }
  });
});
