import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { createLogger, redactPath } from "./logger.server";

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
