/**
 * Two builds, the same API requests, the raw HTTP answers compared byte for byte.
 *
 *   npx tsx test/bench/api-diff.ts <build dir A> <build dir B> [--production] [--trust-proxy=1] [--verbose [--show]]
 *
 * Each build runs on its own copy of one database (two merchants made with merchant:create), with
 * its clock stopped at the same instant (PORTICO_TEST_CLOCK; outside --production), and gets the
 * same requests in the same order over raw sockets: every endpoint, the conventions' errors
 * (authentication, JSON, idempotency, 413, 429 with Retry-After), HEAD and OPTIONS, and the path
 * shapes a router can disagree on (case, trailing and doubled slashes, percent-encoding, `..`).
 * Status line, every header (name as written, order, value), body framing and body are compared
 * after normalising what differs between any two runs: Date, request ids, random object ids (by
 * order of first appearance), tokens and secrets, the port; with --production, timestamps too.
 * The servers' request log lines are compared the same way. Exits 1 on any difference. Used to
 * show that the lean API router (docs/decisions/008-lean-api-router.md) answers as Remix did.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import etag from "etag";
import { baseEnv, createMerchant, freePort, ROOT } from "../setup/server";

const args = process.argv.slice(2);
const production = args.includes("--production");
const verbose = args.includes("--verbose");
// --trust-proxy=1 (or a proxy list): both servers read the client IP from X-Forwarded-For.
const trustProxy = args.find((a) => a.startsWith("--trust-proxy="))?.slice("--trust-proxy=".length);
const [dirA, dirB] = args.filter((a) => !a.startsWith("--")).map((d) => path.resolve(d));
if (!dirA || !dirB || !fs.existsSync(path.join(dirA, "index.js")) || !fs.existsSync(path.join(dirB, "index.js"))) {
  console.error("usage: npx tsx test/bench/api-diff.ts <build dir A> <build dir B> [--production] [--trust-proxy=1] [--verbose [--show]]");
  process.exit(2);
}

type Server = { name: string; port: number; child: ChildProcess; logs: string[]; vars: Record<string, string> };

async function start(name: string, buildDir: string, dbFile: string): Promise<Server> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...baseEnv(port, dbFile),
    ...(production ? { NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_URLS: "true" } : {}),
    ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}),
  };
  const child = spawn(process.execPath, [path.join(buildDir, "index.js")], { cwd: ROOT, env: env as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  let buffer = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"msg":"listening"')) resolve();
      }
    });
    child.stderr!.on("data", (c: Buffer) => logs.push(c.toString()));
    child.on("exit", (code) => reject(new Error(`${name} exited (${code}):\n${logs.join("\n")}`)));
  });
  return { name, port, child, logs, vars: { port: String(port) } };
}

/** One request over its own connection (`Connection: close`), read to the end, bytes as sent. */
function rawRequest(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

type Parsed = { head: string[]; framing: string; body: Buffer };

function parse(raw: Buffer): Parsed {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.subarray(0, split).toString("latin1").split("\r\n");
  let rest = raw.subarray(split + 4);
  const chunked = head.some((h) => /^transfer-encoding:\s*chunked$/i.test(h));
  if (!chunked) return { head, framing: head.some((h) => /^content-length:/i.test(h)) ? "content-length" : "none", body: rest };
  const parts: Buffer[] = [];
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = parseInt(rest.subarray(0, eol).toString("latin1"), 16);
    if (!size) break;
    parts.push(rest.subarray(eol + 2, eol + 2 + size));
    rest = rest.subarray(eol + 2 + size + 2);
  }
  return { head, framing: `chunked ×${parts.length}`, body: Buffer.concat(parts) };
}

/** What differs between any two runs, replaced; object ids numbered in order of first appearance. */
function normalizer(server: Server) {
  const ids = new Map<string, string>();
  return (text: string) => {
    let out = text
      .replaceAll(`127.0.0.1:${server.port}`, "<host>")
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>")
      .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "<jwt>")
      .replace(/nonce(-|=\\?")[A-Za-z0-9+/=]{24}/g, "nonce$1<nonce>")
      .replace(/whsec_[A-Za-z0-9+/=]+/g, "<whsec>")
      .replace(/\b[a-z]{2,6}_[0-9A-Za-z]{22}\b/g, (id) => {
        if (!ids.has(id)) ids.set(id, `<id${ids.size + 1}>`);
        return ids.get(id)!;
      });
    if (production) out = out.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<ts>");
    return out;
  };
}

type Step = {
  method: string;
  /** `{name}` is replaced by the server's saved value of that name. */
  path: string;
  body?: string | unknown;
  headers?: [string, string][];
  /** Without a key (true) or with the second merchant's (other). */
  auth?: false | "other";
  save?: Record<string, string>;
  /** An answer that changed on purpose, and why: shown, not counted as a difference. */
  changed?: string;
};

const j = (v: unknown) => JSON.stringify(v);

function steps(): Step[] {
  const s: Step[] = [];
  const add = (step: Step) => s.push(step);
  const get = (p: string, extra: Partial<Step> = {}) => add({ method: "GET", path: p, ...extra });
  const post = (p: string, body: unknown, extra: Partial<Step> = {}) => add({ method: "POST", path: p, body, ...extra });

  // The document and unknown URLs.
  get("/api/v1/openapi.json");
  add({ method: "HEAD", path: "/api/v1/openapi.json" });
  get("/api/v1/openapi.json", { auth: false });
  for (const p of ["/api/v1/nope", "/api/v1", "/api/v1/", "/api", "/api/", "/api/v2/customers", "/api/v1/customers/x/y/z", "/api/v1/openapi.json/x"]) {
    get(p);
    get(p, { auth: false });
  }
  add({ method: "PUT", path: "/api/v1/customers", body: "{}" });
  add({ method: "PUT", path: "/api/v1/customers", body: "{}", auth: false });
  post("/api/v1/customers/cus_x/whatever", {});
  post("/api/v1/nope?a=1&a=2", {});
  get("/api/v1/nope?a=1&a=2");
  add({ method: "DELETE", path: "/api/v1/nope" });
  add({ method: "OPTIONS", path: "/api/v1/customers" });
  add({ method: "OPTIONS", path: "/api/v1/nope" });
  add({ method: "HEAD", path: "/api/v1/nope" });
  add({ method: "OPTIONS", path: "/api/v1/openapi.json" });
  get("/api/v1/openapi.json?a=1&a=2");
  add({ method: "TRACE", path: "/api/v1/customers" });
  get("//[bad/api/v1/customers");

  // Authentication.
  get("/api/v1/customers", { auth: false });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", "Token abc"]] });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", "Bearer sk_test_short"]] });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", `Bearer sk_test_${"A".repeat(43)}`]] });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", "Bearer {key}"], ["Authorization", "Bearer {key}"]] });
  get("/api/v1/customers", { auth: false, headers: [["authorization", "bearer   {key}"]] });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", "Bearer {key}   "]] });
  get("/api/v1/customers", { auth: false, headers: [["Authorization", "\tBearer {key}\t"]] });

  // Customers.
  post("/api/v1/customers", { email: "ada@example.com", name: "Ada", metadata: { plan: "pro" }, billing_address: { line1: "1 Main St", city: "Seoul", country: "KR" } }, { save: { c1: "id" } });
  post("/api/v1/customers", { email: "grace@example.com", name: "그레이스", external_id: "user-2" }, { save: { c2: "id" }, headers: [["Idempotency-Key", "k1"]] });
  post("/api/v1/customers", { email: "grace@example.com", name: "그레이스", external_id: "user-2" }, { headers: [["Idempotency-Key", "k1"]] });
  post("/api/v1/customers", { email: "other@example.com" }, { headers: [["Idempotency-Key", "k1"]] });
  post("/api/v1/customers", { email: "ada@example.com" }, { headers: [["Idempotency-Key", "dup"]] });
  post("/api/v1/customers", { email: "ada@example.com" }, { headers: [["Idempotency-Key", "dup"]] });
  post("/api/v1/customers", { email: "e@example.com" }, { headers: [["Idempotency-Key", ""]] });
  post("/api/v1/customers", { email: "e@example.com" }, { headers: [["Idempotency-Key", "k".repeat(256)]] });
  post("/api/v1/customers", { email: "e@example.com" }, { headers: [["Idempotency-Key", "a"], ["Idempotency-Key", "b"]] });
  post("/api/v1/customers", "{bad");
  post("/api/v1/customers", "[1,2]");
  post("/api/v1/customers", "null");
  post("/api/v1/customers", "   ");
  post("/api/v1/customers", `${"[".repeat(40)}${"]".repeat(40)}`);
  post("/api/v1/customers", { email: "x@example.com", nickname: "x" });
  post("/api/v1/customers", { email: "not-an-email" });
  post("/api/v1/customers", {});
  post("/api/v1/customers", `{"email":"big@example.com","name":"${"x".repeat(1024 * 1024)}"}`);
  post("/api/v1/customers", { email: "ascii@example.com" }, { auth: false });
  get("/api/v1/customers");
  get("/api/v1/customers?limit=1");
  get("/api/v1/customers?limit=1&starting_after={c2}");
  for (const sort of ["name", "-name", "email", "-email", "created_at", "-created_at"]) {
    get(`/api/v1/customers?sort=${sort}&limit=1`);
    get(`/api/v1/customers?sort=${sort}&limit=1&starting_after={c1}`);
  }
  get("/api/v1/customers?limit=1&starting_after=cus_nope");
  get("/api/v1/customers?limit=0");
  get("/api/v1/customers?limit=abc");
  get("/api/v1/customers?limit=1&limit=2");
  get("/api/v1/customers?nope=1");
  get("/api/v1/customers?q=ada");
  get("/api/v1/customers?email=ada@example.com");
  get("/api/v1/customers?expand[]=summary&sort=-name&external_id[in]=user-2");
  get("/api/v1/customers?expand%5B%5D=summary");
  get("/api/v1/customers?index&limit=1");
  get("/api/v1/customers?index=&index=a&zz=1");
  get("/api/v1/customers?%69ndex&limit=1");
  // `_data` switched Remix to its data-request mode, which named a route file by its id.
  get("/api/v1/customers?_data=routes%2Fapi.v1.customers", { changed: "Remix's ?_data= mode (route files by id) → an ordinary, unknown query parameter" });
  post("/api/v1/customers", "\ufeff{\"email\":\"bom@example.com\"}");
  post("/api/v1/customers?index", { email: "index@example.com" });
  get("/api/v1/customers/{c1}");
  get("/api/v1/customers/{c1}?expand[]=summary");
  get("/api/v1/customers/{c1}?expand[]=nothing");
  get("/api/v1/customers/cus_doesnotexist");
  get("/api/v1/customers/{c1}", { auth: "other" });
  add({ method: "HEAD", path: "/api/v1/customers/{c1}" });
  add({ method: "HEAD", path: "/api/v1/customers/{c1}", auth: false });
  add({ method: "PATCH", path: "/api/v1/customers/{c1}", body: { name: "Ada Lovelace", metadata: { plan: "max" } } });
  add({ method: "PATCH", path: "/api/v1/customers/{c1}", body: { email: 5 } });
  add({ method: "PUT", path: "/api/v1/customers/{c1}", body: {} });
  post("/api/v1/customers/{c1}", {});

  // Path shapes.
  for (const p of [
    "/API/V1/CUSTOMERS/{c1}",
    "/api/v1/Customers",
    "/api/v1/customers/{c1}/",
    "/api/v1/customers/{c1}///",
    "/api/v1/customers//{c1}",
    "/api/v1//customers",
    "/api/v1/customers/%63us_nope",
    "/api/v1/%63ustomers",
    "/%61pi/v1/customers",
    "/x/../api/v1/customers",
    "/api/v1/customers/./{c1}",
    "/api/v1/customers/cus%2Fx",
    "/api/v1/customers/cus%E0%A4%A",
    "/api/v1/customers/cus%20x",
    "/api/v1/customers/cus x",
    "/api/v1/customers/cus%C3%A9",
    "/api/v1/customers/caf\u00e9",
    "//evil.example/api/v1/customers",
    "/api/v1/customers?",
    "/api/v1/customers?&",
    "/api/v1\\customers",
    "/api/v1/openapi%2Ejson",
    "/api/v1/openapi.JSON",
    "/api/v1/customers/{c1}/entitlements/seat%2Fs",
  ]) {
    get(p);
  }

  // Products, subscriptions, payments, invoices, refunds.
  post("/api/v1/products", { name: "Pro", type: "subscription", price: 12000, currency: "KRW", interval: "month" }, { save: { p1: "id" } });
  post("/api/v1/products", { name: "Book", type: "one_time", price: 500, currency: "USD" }, { save: { p2: "id" } });
  get("/api/v1/products");
  get("/api/v1/products?type=subscription&limit=1");
  get("/api/v1/products/{p1}");
  add({ method: "PATCH", path: "/api/v1/products/{p1}", body: { name: "Pro 2" } });
  post("/api/v1/subscriptions", { customer_id: "{c1}", product_id: "{p1}" }, { save: { s1: "id" } });
  get("/api/v1/subscriptions");
  get("/api/v1/subscriptions?customer_id={c1}&status=active");
  get("/api/v1/subscriptions/{s1}");
  add({ method: "PATCH", path: "/api/v1/subscriptions/{s1}", body: { quantity: 2 } });
  post("/api/v1/subscriptions/{s1}/cancel", { at_period_end: true, reason: "too_expensive" });
  post("/api/v1/subscriptions/{s1}/resume", {});
  post("/api/v1/subscriptions/{s1}/resume", { nope: 1 });
  post(
    "/api/v1/payments",
    { customer_id: "{c1}", status: "succeeded", currency: "KRW", items: [{ description: "요금제", quantity: 1, unit_amount: 12000, tax_rate_bps: 1000 }], payment_method: { type: "card", brand: "visa", last4: "4242" } },
    { save: { pay1: "id" } },
  );
  post("/api/v1/payments", { customer_id: "{c1}", status: "pending", currency: "USD", items: [{ description: "Book", quantity: 2, unit_amount: 500 }] }, { save: { pay2: "id" } });
  get("/api/v1/payments");
  get("/api/v1/payments?customer_id={c1}&status=succeeded");
  get("/api/v1/payments/{pay1}");
  add({ method: "PATCH", path: "/api/v1/payments/{pay2}", body: { status: "succeeded" } });
  post("/api/v1/payments/{pay1}/refunds", { amount: 2000 });
  post("/api/v1/payments/{pay1}/refunds", { amount: 99999999 });
  get("/api/v1/payments/{pay1}/invoice?locale=ko");
  get("/api/v1/payments/{pay1}/invoice?locale=ko");
  add({ method: "HEAD", path: "/api/v1/payments/{pay1}/invoice?locale=ko" });
  get("/api/v1/payments/{pay1}/invoice?locale=xx");
  get("/api/v1/payments/pay_nope/invoice");
  get("/api/v1/payments/{pay1}/invoice", { auth: false });

  // License keys and the public license endpoints (429 with Retry-After after 60 per key).
  post("/api/v1/license-keys", { customer_id: "{c1}", product_id: "{p1}", activations_limit: 2, key: "LICENSE-KEY-0001" }, { save: { lk1: "id" } });
  get("/api/v1/license-keys");
  get("/api/v1/license-keys?customer_id={c1}");
  get("/api/v1/license-keys/{lk1}");
  add({ method: "PATCH", path: "/api/v1/license-keys/{lk1}", body: { activations_limit: 3 } });
  post("/api/v1/licenses/activate", { license_key: "LICENSE-KEY-0001", name: "laptop" }, { auth: false, save: { inst1: "id" } });
  post("/api/v1/licenses/activate", { license_key: "LICENSE-KEY-0001", name: "laptop" }, { auth: false, headers: [["X-Forwarded-For", "10.9.9.9"]] });
  get("/api/v1/license-keys/{lk1}/instances");
  post("/api/v1/licenses/validate", { license_key: "LICENSE-KEY-0001", license_key_instance_id: "{inst1}" }, { auth: false });
  post("/api/v1/licenses/validate", { license_key: "NOPE-NOPE-NOPE" }, { auth: false });
  post("/api/v1/licenses/deactivate", { license_key: "LICENSE-KEY-0001", license_key_instance_id: "{inst1}" }, { auth: false });
  get("/api/v1/licenses/validate", { auth: false });
  for (let i = 0; i < 60; i++) post("/api/v1/licenses/validate", { license_key: "LICENSE-KEY-0001" }, { auth: false });

  // Wallets, entitlements, usage.
  post("/api/v1/customers/{c1}/wallets/ledger-entries", { currency: "KRW", amount: 50000, entry_type: "credit", reason: "추천" });
  post("/api/v1/customers/{c1}/wallets/ledger-entries", { currency: "KRW", amount: 100, entry_type: "debit" }, { headers: [["Idempotency-Key", "led-1"]] });
  post("/api/v1/customers/{c1}/wallets/ledger-entries", { currency: "KRW", amount: 100, entry_type: "debit", idempotency_key: "led-1" });
  post("/api/v1/customers/{c1}/wallets/ledger-entries", { currency: "KRW", amount: 99999999, entry_type: "debit" });
  get("/api/v1/customers/{c1}/wallets");
  get("/api/v1/customers/{c1}/wallets/ledger-entries?currency=KRW&limit=1");
  add({ method: "PUT", path: "/api/v1/customers/{c1}/entitlements/seats", body: { limit: 5, unit: "seats" } });
  add({ method: "PUT", path: "/api/v1/customers/{c1}/entitlements/seats", body: { limit: 5, unit: "seats" }, headers: [["Idempotency-Key", "ent"]] });
  post("/api/v1/customers/{c1}/usage", { feature: "seats", quantity: 2 }, { headers: [["Idempotency-Key", "use-1"]] });
  post("/api/v1/customers/{c1}/usage", { feature: "seats", quantity: 2 }, { headers: [["Idempotency-Key", "use-1"]] });
  post("/api/v1/customers/{c1}/usage", { feature: "seats", quantity: 9, idempotency_key: "use-2" });
  post("/api/v1/customers/{c1}/entitlements/seats/check", { quantity: 1 });
  post("/api/v1/customers/{c1}/entitlements/seats/check", { quantity: 1 }, { headers: [["Idempotency-Key", "chk"]] });
  post("/api/v1/customers/{c1}/entitlements/seats/check", "{bad");
  get("/api/v1/customers/{c1}/entitlements/seats/check");
  get("/api/v1/customers/{c1}/entitlements");
  get("/api/v1/customers/{c1}/entitlements/seats");
  get("/api/v1/customers/{c1}/billing-overview");
  get("/api/v1/customers/{c1}/billing-overview?x=1");

  // Portal sessions and settings.
  post("/api/v1/customers/{c1}/portal-sessions", { locale: "ko" }, { save: { ps1: "id" } });
  post("/api/v1/customers/{c1}/portal-sessions", { locale: "ko" }, { headers: [["Idempotency-Key", "ps"]] });
  post("/api/v1/customers/{c1}/portal-sessions", { locale: "ko" }, { headers: [["Idempotency-Key", "ps"]] });
  post("/api/v1/customers/{c1}/portal-sessions", { locale: "zz" });
  add({ method: "DELETE", path: "/api/v1/portal-sessions/{ps1}" });
  add({ method: "DELETE", path: "/api/v1/portal-sessions/{ps1}" });
  get("/api/v1/portal-sessions/{ps1}");
  get("/api/v1/portal-settings");
  add({ method: "PATCH", path: "/api/v1/portal-settings", body: { allow_cancellation: false } });
  add({ method: "PATCH", path: "/api/v1/portal-settings", body: { nope: true } });

  // Webhook endpoints.
  post("/api/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hooks", events: ["customer.updated"] }, { save: { we1: "id" } });
  post("/api/v1/webhook-endpoints", { url: "ftp://example.com/x" });
  get("/api/v1/webhook-endpoints");
  get("/api/v1/webhook-endpoints/{we1}");
  get("/api/v1/webhook-endpoints/{we1}/deliveries");
  get("/api/v1/webhook-endpoints/{we1}/deliveries?event_id=evt_nope");
  add({ method: "DELETE", path: "/api/v1/webhook-endpoints/{we1}" });
  add({ method: "DELETE", path: "/api/v1/webhook-endpoints/{we1}" });

  // Deletion last.
  add({ method: "DELETE", path: "/api/v1/customers/{c2}" });
  get("/api/v1/customers/{c2}");
  add({ method: "DELETE", path: "/api/v1/customers/{c2}", auth: false });

  // Methods no route has. A Remix route file without an `action` answered them with Remix's
  // 405 (its message and, outside production, its stack as JSON); the table answers every path's
  // unknown methods as the files with an action did: the API's 404 (after the key check).
  for (const p of ["/api/v1/customers/{c1}/billing-overview", "/api/v1/customers/{c1}/wallets", "/api/v1/openapi.json", "/api/v1/payments/{pay1}/invoice"]) {
    post(p, {}, { changed: "Remix's 405 for a route file without an action → the API's JSON 404 unrecognized_request_url" });
  }
  add({ method: "PROPFIND", path: "/api/v1/customers" });
  // The server's front (docs/decisions/011-node-http-front.md) against what Express did on the
  // edges of the paths it takes: letter case and encodings (which Express gave a page's CSP
  // nonce), the cross-site guard, bodies it could not read, the health check's validators.
  get("/API/v1/customers/{c1}");
  get("/Api/V1/customers?limit=1");
  get("/%61pi/v1/customers?limit=1");
  get("http://127.0.0.1:{port}/api/v1/customers?limit=1");
  get("/api/v1/customers/%E0%A4%A");
  get("/api/v1/customers?limit=1", { body: "ignored", headers: [["X-Forwarded-For", "10.1.1.1, 10.2.2.2"]] });
  const crossSite: [string, string][] = [["Sec-Fetch-Site", "cross-site"]];
  post("/api/v1/customers", { email: "cross@example.com" }, { headers: crossSite });
  post("/API/v1/customers", { email: "cross@example.com" }, { headers: crossSite });
  post("/API/v1/customers", { email: "evil@example.com" }, { headers: [["Origin", "http://evil.example"]] });
  post("/API/v1/customers", { email: "null-origin@example.com" }, { headers: [["Sec-Fetch-Site", "same-origin"], ["Origin", "null"]] });
  post("/API/v1/customers", `{"email":"big@example.com","name":"${"x".repeat(1024 * 1024)}"}`);
  post("/api/v1/customers", "not gzip", { headers: [["Content-Encoding", "gzip"]] });
  post("/api/v1/customers", "{}", { headers: [["Content-Encoding", "br"]] });
  for (const p of ["/healthz", "/healthz/", "/HEALTHZ", "/healthz?probe=1"]) {
    get(p);
    add({ method: "HEAD", path: p });
  }
  get("/healthz", { headers: [["If-None-Match", etag(Buffer.from(j({ status: "ok", database: "ok" })), { weak: true })]] });
  get("/healthz", { headers: [["If-None-Match", "*"], ["Cache-Control", "no-cache"]] });
  post("/healthz", {});
  add({ method: "OPTIONS", path: "/healthz" });
  get("/healthz/x");

  // Not the API: Remix still answers these.
  get("/no/such/page");
  return s;
}

function render(step: Step, server: Server, keys: { key: string; other: string }) {
  const fill = (text: string) =>
    text.replace(/\{(\w+)\}/g, (m, name: string) => (name === "key" ? keys.key : (server.vars[name] ?? m)));
  const target = fill(step.path);
  const body = step.body === undefined ? undefined : typeof step.body === "string" ? step.body : fill(j(step.body));
  const lines = [`${step.method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, "Connection: close"];
  if (step.auth !== false) lines.push(`Authorization: Bearer ${step.auth === "other" ? keys.other : keys.key}`);
  for (const [name, value] of step.headers ?? []) lines.push(`${name}: ${fill(value)}`);
  if (body !== undefined) lines.push("Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8"), Buffer.from(body ?? "", "utf8")]);
}

function describe(parsed: Parsed, norm: (s: string) => string) {
  const contentType = parsed.head.find((h) => /^content-type:/i.test(h)) ?? "";
  // Pages are Remix's and carry their build's asset hashes; the API is what is compared here.
  const body = /application\/pdf/.test(contentType)
    ? `<pdf ${parsed.body.subarray(0, 5).toString("latin1")}…>`
    : /text\/html/.test(contentType)
      ? `<html ${parsed.body.length > 0 ? "page" : "empty"}>`
      : norm(parsed.body.toString("utf8")).replace(/"stack":"(?:[^"\\]|\\.)*"/g, '"stack":"<stack>"');
  const head = parsed.head.map((h) => norm(h.replace(/^(date): .*/i, "$1: <date>").replace(/^(etag): W\/"[0-9a-f]+-.*"$/i, "$1: <etag of the body>").replace(/^(content-length): \d+$/i, (l) => (/application\/pdf/.test(contentType) ? "content-length: <pdf>" : l))));
  return { head, framing: parsed.framing, body };
}

/** The server's log lines, the lines of requests whose answer changed on purpose left out. */
function logLines(server: Server, norm: (s: string) => string, skip: Set<string>) {
  const requests: string[] = [];
  const others: string[] = [];
  for (const line of server.logs) {
    let entry: Record<string, unknown> & { err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      others.push(norm(line));
      continue;
    }
    if (skip.has(entry.request_id as string) || entry.msg === "listening") continue;
    const { time: _t, duration_ms: _d, request_id: _r, pid: _p, hostname: _h, err, ...rest } = entry;
    (entry.msg === "request" ? requests : others).push(norm(JSON.stringify({ ...rest, ...(err ? { err: err.message } : {}) })));
  }
  return { requests, others };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-api-diff-"));
  const seed = path.join(dir, "seed.db");
  const key = createMerchant(seed, "Diff Co", "diff").apiKey;
  const other = createMerchant(seed, "Other Co", "other").apiKey;
  const servers: Server[] = [];
  try {
    for (const [name, build] of [["A", dirA], ["B", dirB]] as const) {
      const db = path.join(dir, `${name}.db`);
      fs.copyFileSync(seed, db);
      servers.push(await start(name, build, db));
    }
    const frozenAt = Date.parse("2026-12-03T09:00:00.000Z");
    if (!production) {
      for (const server of servers) {
        const res = await fetch(`http://127.0.0.1:${server.port}/__test/clock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: j({ frozen_at_ms: frozenAt }) });
        if (!res.ok) throw new Error(`clock: ${res.status}`);
      }
    }
    const norms = servers.map(normalizer);
    let differences = 0;
    let changed = 0;
    const all = steps();
    const changedIds = servers.map(() => new Set<string>());
    for (const [index, step] of all.entries()) {
      const seen = [];
      for (const [i, server] of servers.entries()) {
        const raw = await rawRequest(server.port, render(step, server, { key, other }));
        const parsed = parse(raw);
        const requestId = parsed.head.find((h) => /^x-request-id:/i.test(h))?.split(": ")[1];
        if (step.changed && requestId) changedIds[i].add(requestId);
        if (step.save && /^HTTP\/1\.1 2/.test(parsed.head[0])) {
          const json = JSON.parse(parsed.body.toString("utf8")) as Record<string, string>;
          for (const [name, field] of Object.entries(step.save)) server.vars[name] = json[field];
        }
        seen.push(describe(parsed, norms[i]));
      }
      const [a, b] = seen.map((d) => JSON.stringify(d, null, 1));
      const label = `#${index} ${step.method} ${step.path}${step.auth === false ? " (no key)" : step.auth === "other" ? " (other merchant)" : ""}`;
      if (a !== b && step.changed) {
        changed++;
        console.log(`≠ ${label}: ${step.changed}${verbose ? `\n  A: ${a}\n  B: ${b}` : ""}`);
      } else if (a !== b) {
        differences++;
        console.log(`✗ ${label}\n  A: ${a}\n  B: ${b}`);
      } else if (verbose) {
        console.log(`✓ ${label}: ${seen[0].head[0]} ${seen[0].framing}`);
        if (args.includes("--show")) console.log(`  ${seen[0].head.slice(1).join("\n  ")}\n  ${seen[0].body.slice(0, 400)}`);
      }
    }
    // The request log lines are written on "finish": wait until both have one per request.
    const deadline = Date.now() + 10_000;
    const logged = (s: Server) => s.logs.filter((l) => l.includes('"msg":"request"')).length;
    while (servers.some((s) => logged(s) < all.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const [la, lb] = servers.map((s, i) => logLines(s, norms[i], changedIds[i]));
    for (const kind of ["requests", "others"] as const) {
      for (let i = 0; i < Math.max(la[kind].length, lb[kind].length); i++) {
        if (la[kind][i] !== lb[kind][i]) {
          differences++;
          console.log(`✗ log line (${kind}) ${i}\n  A: ${la[kind][i]}\n  B: ${lb[kind][i]}`);
        }
      }
    }
    console.log(`${all.length} requests, ${differences} difference(s), ${changed} answer(s) changed on purpose${production ? " (production mode)" : ""}`);
    process.exitCode = differences === 0 ? 0 : 1;
  } finally {
    for (const server of servers) server.child.kill("SIGTERM");
    await Promise.all(servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.on("exit", r)))));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
