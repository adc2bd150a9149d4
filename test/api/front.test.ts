import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { createStaff } from "./dashboard-helpers";

// The node:http front (docs/decisions/011-node-http-front.md) answers /api/v1 and /healthz
// without Express: what it writes must be what Express wrote around the same answers.

type Raw = { status: number; head: [string, string][]; body: string };

/** One request over its own connection, the answer's header lines in the order they were written. */
function raw(port: number, lines: string[], body = ""): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [status, ...fields] = head.split("\r\n");
      const fieldList = fields.map((f) => [f.slice(0, f.indexOf(":")), f.slice(f.indexOf(":") + 2)] as [string, string]);
      let body = rest.join("\r\n\r\n");
      // Chunked (the API's JSON): the chunks' data joined.
      if (fieldList.some(([name, value]) => /^transfer-encoding$/i.test(name) && value === "chunked")) {
        let data = "";
        for (let at = 0; ; ) {
          const eol = body.indexOf("\r\n", at);
          const size = parseInt(body.slice(at, eol), 16);
          if (!size) break;
          data += body.slice(eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = data;
      }
      resolve({ status: Number(status.split(" ")[1]), head: fieldList, body });
    });
    socket.on("error", reject);
    socket.write(`${[...lines, "Connection: close", `Content-Length: ${Buffer.byteLength(body)}`].join("\r\n")}\r\n\r\n${body}`);
  });
}

/** The headers every API answer starts with after its request id: the API's helmet, X-Frame-Options last. */
const securityHead = (r: Raw) => {
  const end = r.head.findIndex(([name]) => name === "X-Frame-Options");
  return r.head.slice(1, end + 1);
};

describe("the node:http front", () => {
  let server: TestServer;
  let key: string;
  let customerId: string;
  const get = (path: string, headers: string[] = []) => raw(server.port, [`GET ${path} HTTP/1.1`, "Host: 127.0.0.1", `Authorization: Bearer ${key}`, ...headers]);

  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: "1" } });
    key = createMerchant(server.dbFile, "Front Co").apiKey;
    const created = await raw(server.port, ["POST /api/v1/customers HTTP/1.1", "Host: 127.0.0.1", `Authorization: Bearer ${key}`, "Content-Type: application/json"], JSON.stringify({ email: "front@example.com" }));
    customerId = JSON.parse(created.body).id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("writes the API's headers Express writes on its own API answers, in the same order", async () => {
    // A POST to /api/v2 is not the front's: Express and Remix answer it (the API's JSON 404).
    const express = await raw(server.port, ["POST /api/v2/nope HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"], "{}");
    expect(express.status).toBe(404);
    expect(express.head[0][0]).toBe("X-Request-Id");
    const expected = securityHead(express);
    // docs/decisions/023-api-headers.md: the API's set, none of a document's.
    expect(expected.map(([name]) => name).sort()).toEqual(["Content-Security-Policy", "Cross-Origin-Resource-Policy", "X-Content-Type-Options", "X-Frame-Options"]);
    expect(expected.find(([name]) => name === "Content-Security-Policy")?.[1]).toBe("default-src 'none';frame-ancestors 'none'");
    for (const path of [`/api/v1/customers/${customerId}`, "/api/v1/customers?limit=1", "/api/v1/nope", "/healthz", "/api/v2/nope"]) {
      const answer = await get(path);
      expect(answer.head[0], path).toEqual(["X-Request-Id", expect.stringMatching(/^[0-9a-f-]{36}$/)]);
      expect(securityHead(answer), path).toEqual(expected);
    }
  });

  it("logs the client IP as Express's trust proxy reads it (TRUST_PROXY=1: the last X-Forwarded-For entry)", async () => {
    const forwarded = await get(`/api/v1/customers/${customerId}`, ["X-Forwarded-For: 198.51.100.1, 203.0.113.7"]);
    const line = JSON.parse(await server.requestLogged(forwarded.head[0][1]));
    expect(line).toMatchObject({ msg: "request", method: "GET", path: `/api/v1/customers/${customerId}`, status: 200, ip: "203.0.113.7" });
    expect(line.duration_ms).toEqual(expect.any(Number));
    const direct = await get("/healthz");
    expect(JSON.parse(await server.requestLogged(direct.head[0][1]))).toMatchObject({ path: "/healthz", status: 200, ip: "127.0.0.1" });
  });

  it("refuses a body over 1 MB with the API's 413 JSON, and logs it", async () => {
    const big = JSON.stringify({ email: "big@example.com", name: "x".repeat(1024 * 1024) });
    const answer = await raw(server.port, ["POST /api/v1/customers HTTP/1.1", "Host: 127.0.0.1", `Authorization: Bearer ${key}`, "Content-Type: application/json"], big);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: { type: "invalid_request_error", code: "body_too_large", message: "Request body exceeds 1 MB." } });
    expect(Object.fromEntries(answer.head)).toMatchObject({ "Content-Type": "application/json; charset=utf-8" });
    expect(JSON.parse(await server.requestLogged(answer.head[0][1]))).toMatchObject({ method: "POST", status: 413 });
  });

  it("answers HEAD with GET's headers and no body", async () => {
    for (const path of [`/api/v1/customers/${customerId}`, "/healthz"]) {
      const [head, got] = await Promise.all([raw(server.port, [`HEAD ${path} HTTP/1.1`, "Host: 127.0.0.1", `Authorization: Bearer ${key}`]), get(path)]);
      expect([head.status, head.body]).toEqual([200, ""]);
      const names = (r: Raw) => r.head.map(([name]) => name.toLowerCase()).filter((n) => !["date", "transfer-encoding", "content-length"].includes(n));
      expect(names(head), path).toEqual(names(got));
    }
  });

  describe("a form post behind a proxy that rewrites Host", () => {
    // nginx's proxy_pass sends its upstream's address as Host unless told otherwise; the browser's
    // Origin is still PUBLIC_URL's (the test server's own url). Remix compared the two and threw.
    let staff: { email: string; password: string };
    beforeAll(() => {
      const merchant = createMerchant(server.dbFile, "Proxied Co");
      staff = createStaff(server, { merchant: merchant.slug, email: "proxied.owner@example.com", role: "owner" });
    });
    const signIn = (headers: string[]) =>
      raw(
        server.port,
        ["POST /dashboard/sign-in HTTP/1.1", ...headers, "Content-Type: application/x-www-form-urlencoded"],
        new URLSearchParams({ email: staff.email, password: staff.password }).toString(),
      );
    const location = (r: Raw) => Object.fromEntries(r.head.map(([name, value]) => [name.toLowerCase(), value])).location;

    it("signs in when Host or X-Forwarded-Host names another host and Origin is PUBLIC_URL's", async () => {
      for (const headers of [
        ["Host: upstream.internal:8080", `Origin: ${server.url}`, "Sec-Fetch-Site: same-origin"],
        ["Host: upstream.internal:8080", `Origin: ${server.url}`],
        ["Host: 127.0.0.1", "X-Forwarded-Host: proxy.internal", `Origin: ${server.url}`, "Sec-Fetch-Site: same-origin"],
      ]) {
        const answer = await signIn(headers);
        expect([answer.status, location(answer)], headers.join(", ")).toEqual([303, "/dashboard"]);
      }
    });

    it("still refuses a post from another origin, whatever Host says", async () => {
      for (const headers of [
        ["Host: evil.example", "Origin: http://evil.example", "Sec-Fetch-Site: cross-site"],
        ["Host: evil.example", "Origin: http://evil.example"],
      ]) {
        const answer = await signIn(headers);
        expect([answer.status, answer.body], headers.join(", ")).toEqual([403, "Cross-site request refused."]);
      }
    });
  });

  describe("pages read with GET or HEAD (Remix without Express: docs/decisions/019-pages-off-express.md)", () => {
    /** The headers a page answer starts with, its policy's nonce replaced. */
    const pageHead = (r: Raw) => {
      const end = r.head.findIndex(([name]) => name === "Content-Security-Policy");
      return r.head.slice(1, end + 1).map(([name, value]) => [name, value.replace(/'nonce-[^']+'/, "'nonce-…'")]);
    };
    const nonceOf = (r: Raw) => /'nonce-([^']+)'/.exec(r.head.find(([name]) => name === "Content-Security-Policy")?.[1] ?? "")?.[1];

    it("starts a page with the headers Express gave one, and its scripts carry the nonce of its own policy", async () => {
      // A form post is still Express's: the sign-in page, re-rendered with its errors.
      const express = await raw(server.port, ["POST /dashboard/sign-in HTTP/1.1", "Host: 127.0.0.1", "Sec-Fetch-Site: same-origin", "Content-Type: application/x-www-form-urlencoded"], "email=");
      expect(express.body).toContain("<!DOCTYPE html>");
      const expected = pageHead(express);
      expect(expected.find(([name]) => name === "Content-Security-Policy")?.[1]).toContain("script-src 'nonce-…' 'strict-dynamic'");
      const nonces = new Set<string>();
      for (const path of ["/dashboard/sign-in", "/portal", "/portal/billing?starting_after=x", "/nope"]) {
        const page = await get(path);
        expect(page.head[0], path).toEqual(["X-Request-Id", expect.stringMatching(/^[0-9a-f-]{36}$/)]);
        expect(pageHead(page), path).toEqual(expected);
        const nonce = nonceOf(page)!;
        const scripts = [...page.body.matchAll(/<script\b[^>]*>/g)].map(([tag]) => /nonce="([^"]+)"/.exec(tag)?.[1]);
        expect(scripts.length, path).toBeGreaterThan(0);
        expect(new Set(scripts), path).toEqual(new Set([nonce]));
        nonces.add(nonce);
      }
      expect(nonces.size).toBe(4);
    });

    it("answers HEAD of a page with GET's headers and no body", async () => {
      const [head, got] = await Promise.all([raw(server.port, ["HEAD /dashboard/sign-in HTTP/1.1", "Host: 127.0.0.1"]), get("/dashboard/sign-in")]);
      expect([head.status, head.body, got.status]).toEqual([200, "", 200]);
      const names = (r: Raw) => r.head.map(([name]) => name.toLowerCase()).filter((n) => !["date", "transfer-encoding", "content-length"].includes(n));
      expect(names(head)).toEqual(names(got));
    });

    it("logs a page as Express did: its id, the path without its token, the status and the client's IP", async () => {
      const page = await get("/portal/session/not-a-real-token?lang=ko", ["X-Forwarded-For: 198.51.100.1, 203.0.113.9"]);
      const line = JSON.parse(await server.requestLogged(page.head[0][1]));
      expect(line).toMatchObject({ msg: "request", method: "GET", path: "/portal/session/[redacted]", status: page.status, ip: "203.0.113.9" });
      expect(JSON.stringify(line)).not.toContain("not-a-real-token");
    });

    it("leaves static files and undecodable paths to Express", async () => {
      const icon = await get("/favicon.svg");
      expect([icon.status, Object.fromEntries(icon.head)["Cache-Control"]]).toEqual([200, "public, max-age=3600"]);
      // Express's router cannot decode it: its 400, in its error handler's words, naming the fault.
      const bad = await get("/portal/%E0%A4%A");
      expect([bad.status, bad.body]).toEqual([
        400,
        `The request path is not valid percent-encoding: each % must start a %XX escape of UTF-8 bytes. Request id: ${bad.head[0][1]}`,
      ]);
      // On the API, the JSON error object (no route saw the request, so no key was checked).
      const api = await get("/api/v1/customers/cus%ZZ");
      expect([api.status, Object.fromEntries(api.head)["Content-Type"], JSON.parse(api.body)]).toEqual([
        400,
        "application/json; charset=utf-8",
        {
          error: {
            type: "invalid_request_error",
            code: "invalid_path",
            message: "The request path is not valid percent-encoding: each % must start a %XX escape of UTF-8 bytes.",
          },
        },
      ]);
    });
  });
});
