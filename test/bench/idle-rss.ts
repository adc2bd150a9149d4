/**
 * `npx tsx test/bench/idle-rss.ts [build dir]`: the server's memory at start (issue 13), i.e. its
 * RSS once it listens and again once the invoice renderer has warmed up, on a copy of the bench's
 * seeded database. The build defaults to `.cache/bench/build` (made by `npm run bench`); pass
 * another production build (`PORTICO_BUILD_DIR=<dir> NODE_ENV=production npx remix build`, inside
 * the project so that node_modules resolve) to compare two commits. Needs a seeded bench database
 * (`npm run bench` makes one).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE = path.join(ROOT, ".cache/bench");
const build = path.resolve(process.argv[2] ?? path.join(CACHE, "build"));
const seed = fs.existsSync(CACHE) ? fs.readdirSync(CACHE).find((f) => /^seed-1000x5-.*\.db$/.test(f)) : undefined;
if (!fs.existsSync(path.join(build, "index.js")) || !seed) {
  console.error(`needs ${build}/index.js and a seeded .cache/bench/seed-1000x5-*.db: run npm run bench first`);
  process.exit(2);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-idle-"));
const db = path.join(dir, "portico.db");
fs.copyFileSync(path.join(CACHE, seed), db);
const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(process.execPath, [path.join(build, "index.js")], {
  cwd: ROOT,
  env: {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_PATH: db,
    PORTAL_SIGNING_KEYS: "bench:bench-signing-secret-0123456789abcdef",
    LOG_LEVEL: "debug",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
let log = "";
server.stdout!.on("data", (d) => (log += d));
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  let up = false;
  for (let i = 0; i < 1200 && !up; i++) {
    up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (!up) await wait(100);
  }
  if (!up) throw new Error("the server did not answer /healthz in 120 s");
  const listening = rssMb();
  for (let i = 0; i < 1200 && !log.includes("warmed up"); i++) await wait(100);
  await wait(1000);
  console.log(JSON.stringify({ build: path.relative(ROOT, build), rss_listening_mb: Math.round(listening), rss_after_pdf_warmup_mb: Math.round(rssMb()), warmed_up: log.includes("warmed up") }));
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.on("exit", r));
  fs.rmSync(dir, { recursive: true, force: true });
}
