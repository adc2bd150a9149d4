/**
 * One server for `test/bench/pair/pair.sh`: the production build in BUILD (default build/) on a
 * copy of the 1k bench seed (made by `npm run bench` once), with the bench's fixtures; writes
 * .cache/pair/ctx<NAME>.json and .cache/pair/server<NAME>.pid, prints "ready", runs until
 * SIGTERM (then stops the server, keeps its log as .cache/pair/server<NAME>.log and removes its copy
 * of the database).
 * PORT (4555), NAME (""), LOG_LEVEL (info), NODEFLAGS (extra node flags, e.g. --cpu-prof), SEED,
 * SERVER_ENV (extra environment for the server, `NAME=value` separated by spaces, e.g. `PAGE_THREAD=false`).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { prepareFixtures } from "../fixtures";
import { BENCH_MERCHANT, benchServerEnv, benchServerNodeFlags, middleCustomer, runCli } from "../server-env";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const NAME = process.env.NAME ?? "";
const OUT = path.join(ROOT, ".cache/pair");
const seed =
  process.env.SEED ??
  fs
    .readdirSync(path.join(ROOT, ".cache/bench"))
    .filter((f) => /^seed-1000x5-.*\.db$/.test(f))
    .map((f) => path.join(ROOT, ".cache/bench", f))[0];
if (!seed) throw new Error("no 1k bench seed in .cache/bench: run `npm run bench` once first");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-pair-"));
const dbFile = path.join(dir, "bench.db");
fs.copyFileSync(seed, dbFile);
const sqlite = new Database(dbFile, { readonly: true });
const customers = (sqlite.prepare("select count(*) from customers").pluck().get() as number) ?? 0;
sqlite.close();
const picked = middleCustomer(dbFile, Math.floor(customers / 2));

const port = Number(process.env.PORT ?? 4555);
const extraEnv = Object.fromEntries((process.env.SERVER_ENV ?? "").split(" ").filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
const env = { ...benchServerEnv({ port, dbFile, logLevel: process.env.LOG_LEVEL ?? "info" }), ...extraEnv };
const apiKey = (JSON.parse(runCli(ROOT, "key-create", ["--merchant", BENCH_MERCHANT, "--json"], env)) as { api_key: string }).api_key;
const staff = { email: `pair.owner.${process.pid}@example.com`, password: `pair password ${process.pid} 0123456789` };
runCli(ROOT, "staff-create", ["--merchant", BENCH_MERCHANT, "--email", staff.email, "--role", "owner", "--password", staff.password, "--json"], env);

const flags = [...benchServerNodeFlags(ROOT), ...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(" ") : [])];
const logFd = fs.openSync(path.join(dir, "server.log"), "a");
const server = spawn(process.execPath, [...flags, path.join(process.env.BUILD ?? "build", "index.js")], { cwd: ROOT, env, stdio: ["ignore", logFd, logFd] });
fs.closeSync(logFd);
fs.mkdirSync(OUT, { recursive: true });
fs.writeFileSync(path.join(OUT, `server${NAME}.pid`), String(server.pid));
process.on("SIGTERM", () => {
  server.once("exit", () => {
    // The server's log outlives its folder (e.g. the group commit's counters, logged at exit).
    fs.copyFileSync(path.join(dir, "server.log"), path.join(OUT, `server${NAME}.log`));
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  if (server.exitCode === null) server.kill("SIGTERM");
  else server.emit("exit");
});

const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
  if (i === 200 || server.exitCode !== null) throw new Error(`the server did not start (log: ${path.join(dir, "server.log")})`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const ctx = await prepareFixtures({ url, apiKey, customerId: picked.id, searchTerm: picked.email.split("@")[0]!, staff });
fs.writeFileSync(path.join(OUT, `ctx${NAME}.json`), JSON.stringify(ctx));
console.log("ready", server.pid, dir);
await new Promise(() => {});
