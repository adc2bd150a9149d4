/**
 * `npx tsx test/bench/idle-rss.ts [build dir]`: the server's memory and the invoice renderer's
 * cost (issue 13), on a copy of the bench's seeded database:
 *
 * - `rss_listening_mb`: RSS 2 s after the server answers /healthz (after the warm-up render, for a
 *   build that still warms the renderer at start);
 * - `first_render_ms` / `rss_after_first_render_mb`: the first invoice download (a render with a
 *   cold renderer: react-pdf loaded, fonts parsed) through the API, and RSS right after;
 * - `second_render_ms`: another invoice's first download (a warm renderer);
 * - `burst`: 300 more invoices' first downloads, 8 at a time: how long, and the peak RSS (sampled
 *   every 50 ms), i.e. what the downloads after a billing run cost the server's memory;
 * - `rss_after_idle_mb`: RSS once the render thread has exited for idleness (builds with the
 *   worker pool; null for older builds, whose renderer stays in the main thread).
 *
 * The build defaults to `.cache/bench/build` (made by `npm run bench`); pass another production
 * build (`PORTICO_BUILD_DIR=<dir> npm run build`, inside the project so that node_modules
 * resolve) to compare two commits. Needs a seeded bench database (`npm run bench` makes one).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { BENCH_MERCHANT, benchServerEnv, benchServerNodeFlags } from "./server-env";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE = path.join(ROOT, ".cache/bench");
const build = path.resolve(process.argv[2] ?? path.join(CACHE, "build"));
const seed = fs.existsSync(CACHE) ? fs.readdirSync(CACHE).find((f) => /^seed-1000x5-.*\.db$/.test(f)) : undefined;
if (!fs.existsSync(path.join(build, "index.js")) || !seed) {
  console.error(`needs ${build}/index.js and a seeded .cache/bench/seed-1000x5-*.db: run npm run bench first`);
  process.exit(2);
}
const pooled = fs.existsSync(path.join(build, "pdf-worker.js"));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-idle-"));
const db = path.join(dir, "portico.db");
fs.copyFileSync(path.join(CACHE, seed), db);
const port = 20000 + Math.floor(Math.random() * 20000);
const env = benchServerEnv({ port, dbFile: db, logLevel: "debug" });
const key = spawnSync(process.execPath, ["--import", "tsx", "app/cli/key-create.ts", "--merchant", BENCH_MERCHANT, "--json"], { cwd: ROOT, env, encoding: "utf8" });
if (key.status !== 0) throw new Error(`key:create failed: ${key.stderr}`);
const apiKey = (JSON.parse(key.stdout) as { api_key: string }).api_key;
const sqlite = new Database(db, { readonly: true });
const invoiced = sqlite
  .prepare("select id from payments where status = 'succeeded' and invoice_number is not null and merchant_id = (select id from merchants where slug = ?) order by id limit 302")
  .all(BENCH_MERCHANT) as { id: string }[];
sqlite.close();

const server = spawn(process.execPath, [...benchServerNodeFlags(ROOT), path.join(build, "index.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
let log = "";
server.stdout!.on("data", (d) => (log += d));
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what: string, ready: () => boolean | Promise<boolean>, timeoutMs = 120_000) {
  for (const deadline = Date.now() + timeoutMs; !(await ready()); await wait(100)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}
async function firstDownload(paymentId: string) {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/payments/${paymentId}/invoice?locale=ko`, { headers: { Authorization: `Bearer ${apiKey}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`invoice ${paymentId}: ${res.status}`);
  return Math.round(performance.now() - started);
}

try {
  await waitFor("/healthz", () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false));
  // An older build warms its main-thread renderer at start: measure after it.
  if (!pooled) await waitFor("the warm-up", () => log.includes("warmed up"));
  await wait(2000);
  const listening = rssMb();
  const firstMs = await firstDownload(invoiced[0].id);
  const afterFirst = rssMb();
  const secondMs = await firstDownload(invoiced[1].id);
  let burstPeak = rssMb();
  const sampler = setInterval(() => (burstPeak = Math.max(burstPeak, rssMb())), 50);
  const burstStarted = performance.now();
  const queue = invoiced.slice(2).map((p) => p.id);
  const downloader = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await firstDownload(id);
  };
  await Promise.all(Array.from({ length: 8 }, downloader));
  clearInterval(sampler);
  const burst = { renders: invoiced.length - 2, seconds: Math.round((performance.now() - burstStarted) / 100) / 10, rss_peak_mb: burstPeak };
  let afterIdle: number | null = null;
  if (pooled) {
    await waitFor("the render thread's exit", () => log.includes("invoice render thread exited"));
    await wait(1000);
    afterIdle = rssMb();
  }
  console.log(
    JSON.stringify({
      build: path.relative(ROOT, build),
      renderer: pooled ? "worker pool" : "main thread",
      rss_listening_mb: listening,
      first_render_ms: firstMs,
      rss_after_first_render_mb: afterFirst,
      second_render_ms: secondMs,
      burst,
      rss_after_idle_mb: afterIdle,
    }),
  );
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.on("exit", r));
  fs.rmSync(dir, { recursive: true, force: true });
}
