import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { generateTOTP } from "@epic-web/totp";
import { vi } from "vitest";
import { ROOT, type TestServer } from "../setup/server";

/** What a browser would see. Each request opens its own connection (no keep-alive reuse races). */
export type Page = { status: number; headers: http.IncomingHttpHeaders; text: string; setCookie: string[]; location: string | null };

export function send(url: string, opts: { method?: string; body?: string; headers?: Record<string, string>; cookie?: string | null } = {}): Promise<Page> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.cookie) headers.Cookie = opts.cookie;
    if (opts.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(opts.body));
    const req = http.request(url, { method: opts.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const setCookie = res.headers["set-cookie"] ?? [];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"), setCookie, location: res.headers.location ?? null });
      });
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const get = (url: string, cookie?: string | null, headers: Record<string, string> = {}) => send(url, { cookie, headers });

/** A form post as a browser sends it from the same origin (override `site`/`origin` to forge one). */
export function post(url: string, fields: Record<string, string | string[]>, opts: { cookie?: string | null; site?: string | null; origin?: string; headers?: Record<string, string> } = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", ...opts.headers };
  if (opts.site !== null) headers["Sec-Fetch-Site"] = opts.site ?? "same-origin";
  if (opts.origin) headers.Origin = opts.origin;
  return send(url, { method: "POST", body: body.toString(), headers, cookie: opts.cookie });
}

/** `portico_staff=<value>` from a response's Set-Cookie, or null (also null for a clearing cookie). */
export function staffCookie(res: Page): string | null {
  const line = res.setCookie.find((c) => c.startsWith("portico_staff="));
  const pair = line?.split(";")[0] ?? null;
  return pair && pair !== "portico_staff=" ? pair : null;
}

/** The session id inside the cookie (Remix signs `base64(JSON(id))`): what must never be stored. */
export function rawSessionId(cookie: string): string {
  const value = decodeURIComponent(cookie.split("=").slice(1).join("="));
  const payload = value.slice(0, value.lastIndexOf("."));
  return JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as string;
}

/** `npm run staff:create -- …` against the server's database, as an operator runs it. */
export function staffCreate(server: TestServer, args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "app/cli/staff-create.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: server.dbFile, NODE_ENV: "test", PUBLIC_URL: server.url },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export type StaffFixture = { id: string; email: string; password: string };

/** A staff user with a password and a role in a merchant, made through the CLI with --json. */
export function createStaff(server: TestServer, opts: { merchant: string; email: string; role: string; password?: string; name?: string }): StaffFixture {
  const password = opts.password ?? `pw-${opts.email}-correct horse battery`;
  const out = staffCreate(server, ["--merchant", opts.merchant, "--email", opts.email, "--role", opts.role, "--password", password, "--json", ...(opts.name ? ["--name", opts.name] : [])]);
  if (out.status !== 0) throw new Error(`staff:create failed: ${out.stderr}`);
  const parsed = JSON.parse(out.stdout) as { staff: { id: string; email: string } };
  return { id: parsed.staff.id, email: parsed.staff.email, password };
}

/** Signs in through the form; returns the cookie of the session (or of the second-factor step). */
export async function signIn(server: TestServer, email: string, password: string, redirectTo?: string) {
  const res = await post(`${server.url}/dashboard/sign-in`, { email, password, ...(redirectTo ? { redirect_to: redirectTo } : {}) });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = staffCookie(res);
  if (!cookie) throw new Error("sign-in set no cookie");
  return { cookie, location: res.location };
}

export const TOTP_STEP_MS = 30_000;
/** The RFC 6238 time step a moment falls in. */
export const totpStep = (atMs: number) => Math.floor(atMs / TOTP_STEP_MS);

/** The TOTP code (@epic-web/totp) of time step `step`. */
export async function totpAt(secret: string, step: number): Promise<string> {
  vi.useFakeTimers({ toFake: ["Date"] });
  try {
    vi.setSystemTime(step * TOTP_STEP_MS);
    return (await generateTOTP({ secret })).otp;
  } finally {
    vi.useRealTimers();
  }
}

/**
 * The code of the current time step, and that step. The server reads the same wall clock and
 * accepts one step of drift, so a code sent at once is accepted even if a step boundary falls
 * between this call and the server's check; the step says exactly which code it was.
 */
export async function totpNow(secret: string): Promise<{ code: string; step: number }> {
  const step = totpStep(Date.now());
  return { code: await totpAt(secret, step), step };
}

/**
 * A code the server has not accepted yet when the last accepted one was of step `spent`: the
 * current step's, or the next step's while the current one is spent (one step of drift).
 */
export async function totpAfter(secret: string, spent: number): Promise<{ code: string; step: number }> {
  const step = Math.max(spent + 1, totpStep(Date.now()));
  return { code: await totpAt(secret, step), step };
}

export const decodeHtml = (s: string) => s.replace(/<!-- -->/g, "").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The text of the element carrying `data-testid`, tags stripped (enough for these pages). */
export function testIdText(html: string, testId: string): string | null {
  const m = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</`, "m").exec(html);
  return m ? decodeHtml(m[1].replace(/<[^>]+>/g, "")).trim() : null;
}

export function allTestIdTexts(html: string, testId: string): string[] {
  return [...html.matchAll(new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</`, "g"))].map((m) => decodeHtml(m[1].replace(/<[^>]+>/g, "")).trim());
}

export function queryDb<T = Record<string, unknown>>(dbFile: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

// Columns that change on a read and say nothing about a refused action.
const VOLATILE = new Set(["staff_sessions.last_seen_at", "api_keys.last_used_at"]);

/**
 * Every row of every table (volatile columns left out): equal before and after = nothing changed.
 * `except` leaves out tables that background workers write on their own (delivery attempts).
 */
export function snapshotDb(dbFile: string, except: string[] = []): string {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => !except.includes(t));
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const cols = (db.prepare(`pragma table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !VOLATILE.has(`${table}.${c}`));
      const select = `select ${cols.map((c) => `"${c}"`).join(", ")} from ${table}`;
      // WITHOUT ROWID tables (the search index's shadow tables) are read in primary key order.
      const withoutRowid = (db.prepare("select sql from sqlite_master where name = ?").get(table) as { sql: string | null }).sql?.includes("WITHOUT ROWID");
      out[table] = db.prepare(withoutRowid ? select : `${select} order by rowid`).all();
    }
    return JSON.stringify(out);
  } finally {
    db.close();
  }
}

/** Every text value of every table, with where it is: for "this secret is stored nowhere". */
export function allTextValues(dbFile: string): { where: string; value: string }[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
    const values: { where: string; value: string }[] = [];
    for (const table of tables) {
      for (const row of db.prepare(`select * from ${table}`).all() as Record<string, unknown>[]) {
        for (const [col, v] of Object.entries(row)) {
          if (typeof v === "string") values.push({ where: `${table}.${col}`, value: v });
          else if (Buffer.isBuffer(v)) values.push({ where: `${table}.${col}`, value: v.toString("latin1") });
        }
      }
    }
    return values;
  } finally {
    db.close();
  }
}

/** Moves the server's clock (PORTICO_TEST_CLOCK), on a connection of its own. */
export async function setClock(server: TestServer, offsetMs: number) {
  const res = await send(`${server.url}/__test/clock`, { method: "POST", body: JSON.stringify({ offset_ms: offsetMs }), headers: { "Content-Type": "application/json" } });
  if (res.status !== 200) throw new Error(`clock: ${res.status}`);
}

/** The merchant API with a secret key (JSON in and out), on a connection per call. */
export function api(server: TestServer, key: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await send(`${server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.text ? JSON.parse(res.text) : null };
  };
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body: unknown = {}) => call("POST", path, body),
    patch: (path: string, body: unknown) => call("PATCH", path, body),
    del: (path: string) => call("DELETE", path),
  };
}

/** A page without what differs on every response (CSP nonces, the request id). */
export const stableHtml = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/"requestId":"[^"]*"/g, '"requestId":""');
