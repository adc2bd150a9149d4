import http from "node:http";
import Database from "better-sqlite3";
import { SignJWT } from "jose";
import { waitUntil } from "../setup/wait";

/** What a browser would see: status, headers, body text and the session cookie it was given. */
export type PageResponse = { status: number; headers: Headers; text: string; setCookie: string[]; location: string | null };

export async function request(url: string, init: RequestInit & { cookie?: string } = {}): Promise<PageResponse> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("Cookie", init.cookie);
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  return {
    status: res.status,
    headers: res.headers,
    text: await res.text(),
    setCookie: res.headers.getSetCookie(),
    location: res.headers.get("location"),
  };
}

/** A same-origin form post, as a browser sends it. */
export function postForm(url: string, fields: Record<string, string>, opts: { cookie?: string; site?: string; origin?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (opts.site !== undefined) headers["Sec-Fetch-Site"] = opts.site;
  else headers["Sec-Fetch-Site"] = "same-origin";
  if (opts.origin !== undefined) headers.Origin = opts.origin;
  return request(url, { method: "POST", body: new URLSearchParams(fields).toString(), headers, cookie: opts.cookie });
}

/** `name=value` of the session cookie set by a response, or null. */
export function sessionCookie(res: PageResponse): string | null {
  const line = res.setCookie.find((c) => c.startsWith("portico_session="));
  if (!line) return null;
  const pair = line.split(";")[0];
  return pair === "portico_session=" ? null : pair;
}

export const h1 = (html: string) => /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1] ?? null;

export function readDb<T = unknown>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * Waits until the server's mail outbox holds nothing queued: every mail the requests so far
 * enqueued (inside their own transactions) has been handed to SMTP, so the capture has it. The
 * positive marker a "no mail was sent to X" check needs, instead of a quiet period.
 */
export function outboxDrained(dbFile: string) {
  return waitUntil("the mail outbox to drain", () => readDb<{ n: number }>(dbFile, "select count(*) as n from mail_outbox where status = 'queued'")[0].n === 0);
}

export function writeDb(dbFile: string, sql: string, ...params: unknown[]) {
  const db = new Database(dbFile, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

export const TEST_KID = "k1";
export const TEST_SECRET = "test-signing-secret-0123456789abcdef0123";

/** Signs a token by hand with the test server's key (or another), to forge exactly one thing. */
export function forgeToken(opts: {
  issuer: string;
  claims: Record<string, unknown>;
  header?: Record<string, unknown>;
  secret?: string;
}) {
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({ aud: "portico:portal", iss: opts.issuer, iat: nowS, nbf: nowS, exp: nowS + 600, ...opts.claims })
    .setProtectedHeader({ alg: "HS256", typ: "portal-link+jwt", kid: TEST_KID, ...opts.header } as never)
    .sign(new TextEncoder().encode(opts.secret ?? TEST_SECRET));
}

export const tokenOf = (url: string) => url.split("/portal/session/")[1];

/**
 * A GET of `rawPath` exactly as written (no URL parsing on the client: `/./`, `..`, `//`, case
 * and percent-escapes reach the server as they are). Resolves with the status and request id.
 */
export function getRaw(origin: string, rawPath: string): Promise<{ status: number; requestId: string | null }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: "GET", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, requestId: (res.headers["x-request-id"] as string | undefined) ?? null }));
    });
    req.on("error", reject);
    req.end();
  });
}
