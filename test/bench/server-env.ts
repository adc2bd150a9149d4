import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { serverNodeFlags } from "./report";

/** The seeded merchant the bench (and test/bench/idle-rss.ts) works with. */
export const BENCH_MERCHANT = "bench";

/**
 * The environment the bench runs the production server with. The keys are fixed: the seeded
 * database (made once, reused by every run) has its secrets sealed with them.
 */
export function benchServerEnv(opts: { port: number; dbFile: string; logLevel: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    PORT: String(opts.port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://127.0.0.1:${opts.port}`,
    DATABASE_PATH: opts.dbFile,
    PORTAL_SIGNING_KEYS: "bench:bench-signing-secret-0123456789abcdef",
    DATA_ENCRYPTION_KEY: "bench:bench-data-encryption-key-0123456789abcdef",
    RATE_LIMIT_SCALE: "0",
    LOG_LEVEL: opts.logLevel,
  };
}

/** Node's flags as `npm start` runs the server (its memory ceiling), read from package.json: the bench runs what production runs. */
export function benchServerNodeFlags(root: string): string[] {
  return serverNodeFlags(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.start);
}

/** One of the app's CLI commands (`app/cli/<script>.ts`) run with `env`: its stdout, or an error with its stderr. */
export function runCli(root: string, script: string, args: string[], env: NodeJS.ProcessEnv): string {
  const out = spawnSync(process.execPath, ["--import", "tsx", `app/cli/${script}.ts`, ...args], { cwd: root, env, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`${script} failed: ${out.stderr}`);
  return out.stdout;
}

/** A seeded, live customer of the bench merchant from the middle of its table (`offset` rows in): reads and mints use it. */
export function middleCustomer(dbFile: string, offset: number): { id: string; email: string } {
  const sqlite = new Database(dbFile, { readonly: true });
  try {
    return sqlite
      .prepare("select id, email from customers where deleted_at is null and merchant_id = (select id from merchants where slug = ?) order by seq limit 1 offset ?")
      .get(BENCH_MERCHANT, offset) as { id: string; email: string };
  } finally {
    sqlite.close();
  }
}
