import type Database from "better-sqlite3";

/**
 * Every statement `fn` runs on `sqlite` (whether prepared now or taken from a cache), with the
 * arguments it ran with, and SQLite's query plan for it: `EXPLAIN QUERY PLAN` lines joined by
 * newlines. For tests that hold a query to the index it must start from.
 */
export function queryPlansDuring(sqlite: Database.Database, fn: () => void): { source: string; plan: string }[] {
  const statementClass = Object.getPrototypeOf(sqlite.prepare("select 1")) as Record<string, (...args: unknown[]) => unknown>;
  const ran: { source: string; args: unknown[] }[] = [];
  const methods = ["all", "get", "run", "iterate"] as const;
  const originals = methods.map((name) => statementClass[name]!);
  methods.forEach((name, i) => {
    statementClass[name] = function (this: Database.Statement, ...args: unknown[]) {
      ran.push({ source: this.source, args });
      return originals[i]!.apply(this, args);
    };
  });
  try {
    fn();
  } finally {
    methods.forEach((name, i) => (statementClass[name] = originals[i]!));
  }
  return ran.map(({ source, args }) => ({
    source,
    plan: (sqlite.prepare(`explain query plan ${source}`).all(...args) as { detail: string }[]).map((r) => r.detail).join("\n"),
  }));
}

/** A plan line that reads a merchant's rows by `merchant_id` alone: every customer, payment or subscription it has. */
export const walksWholeMerchant = /USING (COVERING )?INDEX \w+ \(merchant_id=\?\)/;
