import http from "node:http";
import net, { type AddressInfo } from "node:net";
import express from "express";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

// The front on a real node:http server, with an empty route table (every /api/v1 path is the
// API's JSON 404) and a fallback standing in for the Express app.
useOwnDatabase("front");

let front: typeof import("./front.server");
let server: http.Server;
let base: string;
let shuttingDown = false;
// The page server's own answer, and what it was given (see "pages" below).
const served: { url: string; method: string; context: Record<string, unknown> }[] = [];
let pageFailure: Error | null = null;

beforeAll(async () => {
  front = await import("./front.server");
  const app = express();
  const handler = front.createFront({
    routes: [],
    origin: "http://127.0.0.1",
    trust: app.get("trust proxy fn"),
    apiHeaders: front.captureHeaders([helmet()]),
    pageHeaders: (nonce) => front.captureHeaders([helmet({ contentSecurityPolicy: false })]).concat("Content-Security-Policy", `script-src 'nonce-${nonce}'`),
    readBody: express.raw({ type: () => true, limit: "1mb" }),
    checkHealth: () => {},
    isShuttingDown: () => shuttingDown,
    pages: {
      serve: async (req, res, _body, context) => {
        served.push({ url: req.url!, method: req.method!, context: context as Record<string, unknown> });
        if (pageFailure) {
          res.setHeader("X-Half-Set", "1");
          throw pageFailure;
        }
        // A page's own header of a name the front set takes its place, as setHeader did in Express.
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Content-Type", "text/html");
        res.end(req.method === "HEAD" ? undefined : "page");
      },
      expressOnly: (pathname) => pathname.startsWith("/build/") || pathname === "/favicon.svg",
    },
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

  it("captures a chain's headers once and puts each nonce where the chain would have", () => {
    const policy = helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], scriptSrc: [(_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`, "'strict-dynamic'"] },
    });
    const chain = [helmet({ contentSecurityPolicy: false }), policy];
    const withNonce = front.captureHeadersWithNonce(chain);
    for (const nonce of ["AAAAAAAAAAAAAAAAAAAAAA==", "ab+/cd$&ef$$gh$'ij$`kl==", "x"]) {
      expect(withNonce(nonce)).toEqual(front.captureHeaders(chain, { cspNonce: nonce }));
    }
    // Each call is its own array: a caller that adds to it changes no other answer.
    withNonce("a").push("X-Extra", "1");
    expect(withNonce("a")).not.toContain("X-Extra");
    expect(() => front.captureHeadersWithNonce([helmet()])).toThrow(/no header carries the nonce/);
  });

  it("hands every other request to the fallback", async () => {
    const undecodable = "/portal/%E0%A4%A";
    for (const [method, url] of [["POST", "/"], ["POST", "/api/v2/x"], ["PROPFIND", "/api/v1/customers"], ["POST", "/healthz"], ["GET", "/build/app.js"], ["GET", "/favicon.svg"], ["GET", undecodable], ["OPTIONS", "/portal"]]) {
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

  describe("pages (GET and HEAD, straight to Remix)", () => {
    it("hands Remix the request with its id, the nonce of its policy and the client's IP, under the captured headers", async () => {
      served.length = 0;
      const res = await fetch(`${base}/portal/billing?starting_after=x`);
      expect([res.status, await res.text()]).toEqual([200, "page"]);
      expect(served).toHaveLength(1);
      const { url, method, context } = served[0];
      expect([method, url]).toEqual(["GET", "/portal/billing?starting_after=x"]);
      expect(context.requestId).toBe(res.headers.get("x-request-id"));
      expect(context.cspNonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(res.headers.get("content-security-policy")).toBe(`script-src 'nonce-${context.cspNonce}'`);
      expect(context.clientIp).toBe("127.0.0.1");
      // The page's header of the same name won; the others came through.
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-type")).toBe("text/html");
    });

    it("gives every page its own nonce, and a path that is not a page none", async () => {
      served.length = 0;
      await (await fetch(`${base}/portal`)).text();
      await (await fetch(`${base}/portal`)).text();
      await (await fetch(`${base}/api/v2/nope`)).text();
      const [a, b, api] = served.map((s) => s.context.cspNonce);
      expect(a).not.toBe(b);
      expect(api).toBe("");
    });

    it("answers HEAD through the page server, without a body", async () => {
      served.length = 0;
      const res = await fetch(`${base}/portal`, { method: "HEAD" });
      expect([res.status, await res.text(), served[0].method]).toEqual([200, "", "HEAD"]);
    });

    it("answers a failed page as Express's error handler did: 500, text, the request id, no header the page had set", async () => {
      pageFailure = new Error("boom");
      try {
        const res = await fetch(`${base}/portal`);
        const id = res.headers.get("x-request-id");
        expect([res.status, res.headers.get("content-type"), await res.text()]).toEqual([500, "text/plain; charset=utf-8", `Something went wrong. Request id: ${id}`]);
        expect(res.headers.get("x-half-set")).toBeNull();
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      } finally {
        pageFailure = null;
      }
    });

    it("refuses a page request's body over the limit as Express did (413), and serves nothing", async () => {
      served.length = 0;
      const port = (server.address() as AddressInfo).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        let text = "";
        // Read up to the answer's end (the server may not close the connection itself).
        socket.on("data", (c) => {
          text += c.toString("utf8");
          const end = text.indexOf("\r\n\r\n");
          const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? NaN);
          if (end >= 0 && Buffer.byteLength(text) - end - 4 >= length) {
            socket.destroy();
            resolve(text);
          }
        });
        socket.on("error", reject);
        // A GET with a 2 MB body: express.raw refuses it once it has been read off the socket.
        socket.write("GET /portal HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/octet-stream\r\nContent-Length: 2097152\r\n\r\n");
        socket.write(Buffer.alloc(2097152));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain("Request body exceeds 1 MB.");
      expect(served).toHaveLength(0);
    });
  });
});
