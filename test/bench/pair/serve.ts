/**
 * One server for `test/bench/pair/pair.sh`: the production build in BUILD (default build/) on a
 * copy of the 1k bench seed (made by `npm run bench` once), with the bench's fixtures; writes
 * .cache/pair/ctx<NAME>.json and .cache/pair/server<NAME>.pid, prints "ready", runs until killed.
 * PORT (4555), NAME (""), LOG_LEVEL (info), NODEFLAGS (extra node flags, e.g. --cpu-prof), SEED.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import Database from "better-sqlite3";
import { benchServerEnv, benchServerNodeFlags } from "../server-env";
import { prepareFixtures } from "../fixtures";
const ROOT = process.cwd();
const seed = process.env.SEED ?? fs.readdirSync(".cache/bench").filter((f) => /^seed-1000x5-.*\.db$/.test(f)).map((f) => `.cache/bench/${f}`)[0];
const dir = fs.mkdtempSync("/tmp/prof-run-");
const db = path.join(dir, "bench.db");
fs.copyFileSync(seed, db);
const s = new Database(db, { readonly: true });
const n = (s.prepare("select count(*) n from customers").get() as any).n;
const picked = s.prepare("select id, email from customers where deleted_at is null and merchant_id = (select id from merchants where slug = 'bench') order by seq limit 1 offset ?").get(Math.floor(n / 2)) as any;
s.close();
const port = Number(process.env.PORT ?? 4555);
const env = benchServerEnv({ port, dbFile: db, logLevel: process.env.LOG_LEVEL ?? "info" });
const cli = (script: string, args: string[]) => { const o = spawnSync(process.execPath, ["--import", "tsx", `app/cli/${script}.ts`, ...args], { cwd: ROOT, env, encoding: "utf8" }); if (o.status !== 0) throw new Error(o.stderr); return o.stdout; };
const apiKey = JSON.parse(cli("key-create", ["--merchant", "bench", "--json"])).api_key;
const staff = { email: `prof.owner@example.com`, password: `prof password 0123456789` };
cli("staff-create", ["--merchant", "bench", "--email", staff.email, "--role", "owner", "--password", staff.password, "--json"]);
const flags = [...benchServerNodeFlags(ROOT), ...(process.env.NODEFLAGS ? process.env.NODEFLAGS.split(" ") : [])];
const logFd = fs.openSync(path.join(dir, "server.log"), "a");
const server = spawn(process.execPath, [...flags, path.join(process.env.BUILD ?? "build", "index.js")], { cwd: ROOT, env, stdio: ["ignore", logFd, logFd] });
fs.mkdirSync(".cache/pair", { recursive: true });
fs.writeFileSync(`.cache/pair/server${process.env.NAME ?? ""}.pid`, String(server.pid));
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) { try { if ((await fetch(`${url}/healthz`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
const ctx = await prepareFixtures({ url, apiKey, customerId: picked.id, searchTerm: picked.email.split("@")[0], staff });
fs.writeFileSync(`.cache/pair/ctx${process.env.NAME ?? ""}.json`, JSON.stringify(ctx));
console.log("ready", server.pid, dir);
process.on("SIGTERM", () => { server.kill("SIGTERM"); process.exit(0); });
await new Promise(() => {});
