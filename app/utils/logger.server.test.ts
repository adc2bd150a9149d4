import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it, vi } from "vitest";
import { createLogger, redactPath, requestLineText, type RequestLine } from "./logger.server";

const JWS = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdXNfMSJ9.c2lnbmF0dXJl";

describe("redactPath", () => {
  it.each([
    ["/portal/session/eyJ.abc.def", "/portal/session/[redacted]"],
    ["/portal/session/eyJ.abc.def?x=1", "/portal/session/[redacted]"],
    ["/portal/profile/confirm-email/tok_secret", "/portal/profile/confirm-email/[redacted]"],
    ["/api/v1/customers?email=a@b.c", "/api/v1/customers"],
    ["/portal/billing?starting_after=pay_1", "/portal/billing"],
    ["/p/acme", "/p/acme"],
    ["/dashboard/setup/tok_secret", "/dashboard/setup/[redacted]"],
    ["/dashboard/invite/tok_secret?x=1", "/dashboard/invite/[redacted]"],
    ["/dashboard/settings/team", "/dashboard/settings/team"],
    ["/portal/session", "/portal/session"],
  ])("%s → %s", (input, expected) => {
    expect(redactPath(input)).toBe(expected);
  });

  // However the path is spelled, the router reaches the token page, so the log must not show it.
  it.each([
    `/PORTAL/SESSION/${JWS}`,
    `/Portal/Session/${JWS}`,
    `/portal/./session/${JWS}`,
    `/./portal/session/./${JWS}`,
    `/portal/x/../session/${JWS}`,
    `//portal//session//${JWS}`,
    `/portal%2Fsession%2F${JWS}`,
    `/portal/session/${encodeURIComponent(JWS).replace(/e/g, "%65")}`,
    `/%70ortal/%73ession/${JWS}`,
    `/portal/session/${JWS.replace(/\./g, "%2E")}`,
    `/portal/%2573ession/${JWS}`,
    `/portal\\session\\${JWS}`,
    `/portal/session/${JWS}/extra#frag`,
  ])("%s hides the token", (input) => {
    const out = redactPath(input);
    expect(out.toLowerCase()).toMatch(/\/portal\/session\/\[redacted\]$/);
    for (const piece of JWS.split(".")) expect(out).not.toContain(piece);
  });

  it.each([
    "/PORTAL/PROFILE/CONFIRM-EMAIL/Zk3sTokenValue123",
    "/portal//profile/./confirm-email/Zk3sTokenValue123",
    "/portal/profile/confirm%2Demail/Zk3sTokenValue123",
  ])("%s hides the email-change token", (input) => {
    expect(redactPath(input)).not.toContain("Zk3sTokenValue123");
  });
});

describe("redactPath's plain paths", () => {
  // A path already in the router's form that names no token route is returned as it is; any
  // other goes through the decoding walk. Prefixing `/.` forces the walk (a `.` segment) without
  // changing the answer, so the two must agree on every path.
  const pieces = ["api", "v1", "customers", "cus_1", "Portal", "portal", "session", "SESSION", "sessions", "profile", "confirm-email", "dashboard",
    "setup", "invite", "Invite", "x", ".", "..", "...", ".well-known", "export.csv", "a b", "%2F", "%2e", "é", "", "\\", "tok.en"];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length;
  const paths = ["/", "/api/v1/payments/pay_1/invoice?locale=ko", "/a/b/", "/a/..", "/portal/SESSIONS/x", "/portal/session/eyJ.x.y"];
  for (let i = 0; i < 2000; i++) paths.push(`/${Array.from({ length: 1 + (i % 6) }, () => pieces[next()]).join("/")}${i % 5 === 0 ? "?q=1" : ""}`);

  it("answer as the decoding walk does, on 2,000 generated paths", () => {
    let plain = 0;
    for (const path of paths) {
      const walked = redactPath(`/.${path}`);
      expect(redactPath(path), path).toBe(walked);
      if (redactPath(path) === path.split("?")[0]) plain++;
    }
    // Both kinds were exercised.
    expect(plain).toBeGreaterThan(200);
    expect(plain).toBeLessThan(paths.length - 200);
  });

  it.each([
    ["/api/v1/payments/pay_1/invoice?locale=ko", "/api/v1/payments/pay_1/invoice"],
    ["/a/b/", "/a/b"],
    ["/", "/"],
    ["/.well-known/security.txt", "/.well-known/security.txt"],
    ["/Dashboard/Invite/tok_secret", "/Dashboard/Invite/[redacted]"],
    ["/portal/sessions/x", "/portal/sessions/x"],
  ])("%s → %s", (input, expected) => {
    expect(redactPath(input)).toBe(expected);
  });
});

describe("the request line", () => {
  const line: RequestLine = { request_id: "9b0c…-id", method: "GET", url: "/portal/session/eyJ.secret.sig?x=1", status: 303, duration_ms: 1.234, ip: "203.0.113.9" };
  const time = new Date("2026-12-03T10:11:12.345Z");

  /** What pino writes for the same line at the same time. */
  function pinoLine(fields: Record<string, unknown>): string {
    const lines: string[] = [];
    vi.useFakeTimers({ now: time, toFake: ["Date"] });
    try {
      createLogger(new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) })).info(fields);
    } finally {
      vi.useRealTimers();
    }
    return lines.join("");
  }

  it("is the line pino writes for the same fields, with the path redacted", () => {
    const text = requestLineText(line, time);
    const { url, ...rest } = line;
    expect(text).toBe(pinoLine({ msg: "request", request_id: rest.request_id, method: rest.method, path: redactPath(url), status: rest.status, duration_ms: rest.duration_ms, ip: rest.ip }));
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toEqual({ level: 30, time: time.toISOString(), msg: "request", request_id: "9b0c…-id", method: "GET", path: "/portal/session/[redacted]", status: 303, duration_ms: 1.234, ip: "203.0.113.9" });
  });

  it("leaves out an unknown IP and escapes what JSON must escape, as pino does", () => {
    const odd: RequestLine = { ...line, ip: undefined, method: 'GE"T\\', url: "/a\u2028b/\"c\u0001", duration_ms: 0 };
    const { url, ...rest } = odd;
    expect(requestLineText(odd, time)).toBe(pinoLine({ msg: "request", request_id: rest.request_id, method: rest.method, path: redactPath(url), status: rest.status, duration_ms: 0, ip: undefined }));
    expect(JSON.parse(requestLineText(odd, time))).not.toHaveProperty("ip");
  });
});

describe("errors from the database layer", () => {
  it("are logged with the failed SQL and the driver's message, never the values bound to the query", () => {
    const sqlite = new Database(":memory:");
    sqlite.exec("create table people (email text not null check (length(email) < 5))");
    const people = sqliteTable("people", { email: text().notNull() });
    const db = drizzle({ client: sqlite });
    const secret = "very-secret-address@example.com";
    const query = db.insert(people).values({ email: secret }).toSQL();
    let driverError: unknown;
    try {
      db.insert(people).values({ email: secret }).run();
    } catch (error) {
      driverError = error;
    }
    sqlite.close();
    // Drizzle's wrapper (thrown by its async drivers, and by any future sync path) keeps the
    // bound values in its message and in `params`: what the log must never show.
    const wrapped = new DrizzleQueryError(query.sql, query.params, driverError as Error);
    expect(wrapped.message).toContain(secret);

    const lines: string[] = [];
    const log = createLogger(new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    log.error({ err: wrapped }, "API handler failed");
    log.error({ err: new Error("outer", { cause: wrapped }) }, "wrapped");
    log.error({ err: driverError }, "driver error");

    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain("params");
      expect(line).toContain("CHECK constraint failed");
    }
    expect(lines[0]).toContain('insert into \\"people\\"');
    expect(JSON.parse(lines[0]).err.type).toBe("DatabaseQueryError");
  });
});
