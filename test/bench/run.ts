/**
 * `npm run bench`: the production app beside its floors, in one run (issue 13).
 *
 *   npm run bench                                  # 1,000 customers, 10 s per scenario, 50 connections
 *   npm run bench -- --duration 3 --only api_read,page
 *   npm run bench -- --customers 1000000           # against a scaled database (seeded once, cached)
 *   npm run bench:compare                          # flat cost: the 1M run against the 1k run
 *
 * Steps: build the app into .cache/bench/build (production), seed a database with
 * `npm run seed:scale` (cached per size in .cache/bench/, copied fresh for every run), start
 * `node build/index.js` with NODE_ENV=production and RATE_LIMIT_SCALE=0, make the fixtures through
 * the API, then for each scenario (scenarios.ts) measure its floor first (once, in a child process
 * of its own; floors.ts) and then the app with autocannon, each run on fresh connections; a
 * scenario whose targets are ratios only is measured interleaved with its floor (slices of each in
 * turn, `measureInterleaved`), one with a ratio and a latency target between two readings of its
 * floor, right before and right after it. The
 * server's RSS is sampled every 100 ms through the whole run. Prints one table and a ratios line
 * and writes the results to .cache/bench/last.json and .cache/bench/customers-<N>.json.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { prepareFixtures } from "./fixtures";
import { cpuSeconds, drain, dropResponseBodies, load, memorySampler, requestLog, settle, streamOnce, type MemorySampler } from "./measure";
import {
  check,
  cpuRatiosOf,
  floorDrift,
  floorFor,
  formatCpuRatios,
  formatFloorDrift,
  formatFloors,
  formatRatios,
  formatTable,
  interleavedOrder,
  measuresFloorBeside,
  measuresInterleaved,
  pooledSlices,
  ratiosOf,
  targetsSummary,
  type BenchResult,
  type FloorResult,
  type ScenarioResult,
  type Slice,
} from "./report";
import { RSS_TARGET_MB, floors, scenarios, type BenchContext, type FloorKey, type Scenario } from "./scenarios";
import { BENCH_MERCHANT, benchServerEnv, benchServerNodeFlags, middleCustomer, runCli } from "./server-env";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CACHE = path.join(ROOT, ".cache/bench");
const MERCHANT = BENCH_MERCHANT;
const SERVER_NODE_FLAGS = benchServerNodeFlags(ROOT);

const usage = `npm run bench -- [--duration 10] [--warmup 5] [--connections 50] [--customers 1000] [--payments-per-customer 5]
                  [--only key,key] [--out .cache/bench/last.json] [--no-build] [--build-dir <dir>] [--keep] [--decode-bodies]
                  [--no-floor-recheck]
scenarios: ${scenarios.map((s) => s.key).join(", ")}`;
const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        duration: { type: "string", default: "10" },
        warmup: { type: "string", default: "5" },
        connections: { type: "string", default: "50" },
        customers: { type: "string", default: "1000" },
        "payments-per-customer": { type: "string", default: "5" },
        only: { type: "string" },
        out: { type: "string", default: path.join(CACHE, "last.json") },
        "no-build": { type: "boolean", default: false },
        "no-floor-recheck": { type: "boolean", default: false },
        "build-dir": { type: "string" },
        keep: { type: "boolean", default: false },
        "decode-bodies": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
})();
if (flags.help) {
  console.log(usage);
  process.exit(0);
}
// --build-dir: a production build made beforehand (`PORTICO_BUILD_DIR=<dir> npm run build`; a
// commit from before the PDF worker: `NODE_ENV=production npx remix build`), used as it is: for comparing two commits in runs made back to back. The folder
// must be inside the project (e.g. .cache/bench/ab/<name>) so that the build's imports resolve.
const BUILD = flags["build-dir"] ? path.resolve(flags["build-dir"]) : path.join(CACHE, "build");
if (flags["build-dir"] && !fs.existsSync(path.join(BUILD, "index.js"))) {
  console.error(`--build-dir ${BUILD} holds no index.js: build it first\n${usage}`);
  process.exit(2);
}
const number = (name: string, raw: string, min: number) => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number ≥ ${min}\n${usage}`);
    process.exit(2);
  }
  return n;
};
const DURATION = number("duration", flags.duration, 1);
const WARMUP = number("warmup", flags.warmup, 0);
const CONNECTIONS = Math.round(number("connections", flags.connections, 1));
const CUSTOMERS = Math.round(number("customers", flags.customers, 1));
const PPC = Math.round(number("payments-per-customer", flags["payments-per-customer"], 0));
const only = flags.only?.split(",").map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((k) => !scenarios.some((s) => s.key === k)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario: ${unknown.join(", ")}\n${usage}`);
  process.exit(2);
}
const selected = scenarios.filter((s) => !only || only.includes(s.key));

const log = (line: string) => process.stderr.write(`${line}\n`);
const children = new Set<ChildProcess>();
let runDirToRemove: string | null = null;
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  if (runDirToRemove) fs.rmSync(runDirToRemove, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function build() {
  log("building the production app into .cache/bench/build …");
  execFileSync(process.execPath, [path.join(ROOT, "app/cli/build.mjs")], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PORTICO_BUILD_DIR: BUILD, NODE_ENV: "production" },
  });
}

/** A database with N seeded customers: made once per size and seeder/schema version, then copied. */
function seededDatabase(runDir: string): { file: string; seedSeconds: number | null; cached: boolean } {
  const hash = createHash("sha256");
  for (const file of ["app/cli/seed-scale.ts", "app/cli/seed-scale-data.ts"]) hash.update(fs.readFileSync(path.join(ROOT, file)));
  const migrations = path.join(ROOT, "db/migrations");
  for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith(".sql")).sort()) hash.update(fs.readFileSync(path.join(migrations, file)));
  const cached = path.join(CACHE, `seed-${CUSTOMERS}x${PPC}-${hash.digest("hex").slice(0, 12)}.db`);
  const fresh = !fs.existsSync(cached);
  if (fresh) {
    // Databases of this size from an older seeder or schema are stale: they are gigabytes at 1M.
    const prefix = `seed-${CUSTOMERS}x${PPC}-`;
    for (const old of fs.readdirSync(CACHE).filter((f) => f.startsWith(prefix))) fs.rmSync(path.join(CACHE, old), { force: true });
    log(`seeding ${CUSTOMERS.toLocaleString("en")} customers (npm run seed:scale) into ${path.relative(ROOT, cached)} …`);
    const tmp = `${cached}.tmp`;
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(tmp + suffix, { force: true });
    const seeded = spawnSync(
      process.execPath,
      ["--import", "tsx", "app/cli/seed-scale.ts", "--customers", String(CUSTOMERS), "--payments-per-customer", String(PPC), "--merchant", MERCHANT, "--db", tmp, "--json"],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: "development", SEED_DEMO: "false" }, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" },
    );
    if (seeded.status !== 0) throw new Error("seed:scale failed");
    fs.writeFileSync(`${cached}.json`, seeded.stdout);
    log(`  seeded in ${(JSON.parse(seeded.stdout) as { seconds: { total: number } }).seconds.total} s`);
    for (const suffix of ["-wal", "-shm"]) fs.rmSync(tmp + suffix, { force: true });
    fs.renameSync(tmp, cached);
  }
  const file = path.join(runDir, "bench.db");
  fs.copyFileSync(cached, file, fs.constants.COPYFILE_FICLONE);
  const summary = fs.existsSync(`${cached}.json`) ? (JSON.parse(fs.readFileSync(`${cached}.json`, "utf8")) as { seconds: { total: number } }) : null;
  return { file, seedSeconds: summary?.seconds.total ?? null, cached: !fresh };
}

const cli = (script: string, args: string[], env: NodeJS.ProcessEnv) => runCli(ROOT, script, args, env);

async function waitFor(what: string, ready: () => Promise<boolean>, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a floor's process and reads its first line (an HTTP floor's port; floor C's figures, or
 * with `slices` its readiness). `nextLine` reads the next one: floor C in slices mode answers each
 * "<seconds>" line written to its stdin with that slice's figures.
 */
async function startFloor(key: FloorKey, dbFile: string, runDir: string, slices = false) {
  const sliced = slices && key === "C";
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "test/bench/floors.ts"), key, "--db", dbFile, "--dir", runDir, "--duration", String(DURATION), ...(sliced ? ["--slices"] : [])],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: "production" }, stdio: [sliced ? "pipe" : "ignore", "pipe", "inherit"] },
  );
  children.add(child);
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`floor ${key} exited with ${code}`))));
  exited.catch(() => {});
  const nextLine = async () => JSON.parse((await Promise.race([once(lines, "line"), exited]))[0] as string) as Record<string, number>;
  const message = await nextLine();
  return { child, message, nextLine };
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  children.delete(child);
}

/** The path an HTTP floor answers, for the bench's fixtures. */
const floorPath = (key: Exclude<FloorKey, "C">, ctx: BenchContext) =>
  ({ A: `/customers/${ctx.customerId}`, B: `/billing/${ctx.portalCustomerId}`, D: "/static-30k.bin" })[key];

async function measureFloor(key: FloorKey, ctx: BenchContext, dbFile: string, runDir: string, when: "first" | "beside" | "bracket" | "after" = "first"): Promise<FloorResult> {
  log(`floor ${key}${{ first: "", beside: " again, beside the next scenario", bracket: " again, right after the scenario", after: " again, after the last scenario" }[when]}: ${floors[key]} …`);
  const { child, message } = await startFloor(key, dbFile, runDir);
  try {
    if (key === "C") return { key, title: floors[key], rps: message.rps, p50: message.p50, p99: message.p99, cpu_pct: null, cpu_ms_per_req: null };
    const target = floorPath(key, ctx);
    await warmUp({ url: `http://127.0.0.1:${message.port}${target}` }, CONNECTIONS, () => settle(() => [child.pid!]));
    const cpuBefore = cpuSeconds([child.pid!]);
    const r = await load({ url: `http://127.0.0.1:${message.port}${target}` }, { connections: CONNECTIONS, duration: DURATION });
    await settle(() => [child.pid!]);
    const cpu = cpuSeconds([child.pid!]) - cpuBefore;
    if (r.non2xx + r.errors > 0) throw new Error(`floor ${key}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { key, title: floors[key], rps: r.rps, p50: r.p50, p99: r.p99, cpu_pct: (100 * cpu) / r.seconds, cpu_ms_per_req: (1000 * cpu) / r.requests };
  } finally {
    await stopChild(child);
  }
}

/**
 * The same requests as the measured run, for --warmup seconds, on connections closed before the
 * measured run opens its own; then waits until the server is idle (`idle`). Logged, not measured.
 */
async function warmUp(req: Parameters<typeof load>[0], connections: number, idle: () => Promise<unknown>) {
  if (WARMUP === 0) return;
  const r = await load(req, { connections, duration: WARMUP });
  await idle();
  log(`  warm-up (not measured): ${r.requests.toLocaleString("en")} requests in ${r.seconds} s, ${Math.round(r.rps).toLocaleString("en")} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms`);
}

/** An unknown API URL: a cheap 404 that no scenario's log filter matches, used to probe for a backlog. */
const probeUrl = (ctx: BenchContext) => `${ctx.url}/api/v1/__bench_drain_probe`;

/**
 * A load scenario's figures once its load has run: the client's (autocannon's, or slices pooled),
 * the server's from its request log, and CPU a request over the requests the server logged (which
 * includes those still in flight when the load stopped). Its floor may be measured after it too:
 * the caller takes the ratio and judges the targets.
 */
function loadFigures(
  s: Extract<Scenario, { kind: "load" }>,
  ctx: BenchContext,
  env: { memory: MemorySampler; log: ReturnType<typeof requestLog> },
  m: { rps: number; p50: number; p99: number; non2xx: number; errors: number; timeouts: number; requests: number; seconds: number; cpu: number; drained: number },
) {
  const server = env.log.read({ method: s.method ?? "GET", path: s.logPath(ctx) });
  const served = server.all || m.requests;
  return {
    floor: s.floor,
    rps: m.rps,
    p50: m.p50,
    p99: m.p99,
    errors: m.non2xx + m.errors,
    non2xx: m.non2xx,
    timeouts: m.timeouts,
    server,
    cpu_pct: (100 * m.cpu) / (m.seconds + m.drained),
    cpu_ms_per_req: served > 0 ? (1000 * m.cpu) / served : NaN,
    drain_s: m.drained,
    bytes_per_response: null,
    rss_peak_mb: env.memory.windowPeakMb(),
    ratio: null,
    checks: [],
  } satisfies Partial<ScenarioResult>;
}

async function measureScenario(
  s: Scenario,
  ctx: BenchContext,
  env: { server: ChildProcess; memory: MemorySampler; log: ReturnType<typeof requestLog> },
): Promise<ScenarioResult> {
  log(`${s.key}: ${s.title} …`);
  // The window's peak RSS includes the warm-up.
  const rssStart = env.memory.startWindow();
  if (s.kind === "load") {
    await warmUp({ url: `${ctx.url}${s.path(ctx)}`, method: s.method, headers: s.headers?.(ctx), body: s.body }, s.connections ?? CONNECTIONS, () =>
      drain(probeUrl(ctx), () => env.memory.pids),
    );
  }
  env.log.skip();
  const cpuBefore = cpuSeconds(env.memory.pids);
  const base = { key: s.key, title: s.title, kind: s.kind, flat_cost: s.flatCost ?? false, rss_start_mb: rssStart };
  let result: ScenarioResult;
  if (s.kind === "stream") {
    const r = await streamOnce(`${ctx.url}${s.path(ctx)}`, s.headers?.(ctx));
    await drain(probeUrl(ctx), () => env.memory.pids);
    const cpu = cpuSeconds(env.memory.pids) - cpuBefore;
    const peak = env.memory.windowPeakMb();
    result = {
      ...base,
      floor: null,
      rps: 1 / r.seconds,
      p50: r.seconds * 1000,
      p99: r.seconds * 1000,
      drain_s: 0,
      errors: r.status === 200 ? 0 : 1,
      non2xx: r.status === 200 ? 0 : 1,
      timeouts: 0,
      server: env.log.read({ method: "GET", path: s.path(ctx).split("?")[0] }),
      cpu_pct: (100 * cpu) / r.seconds,
      cpu_ms_per_req: 1000 * cpu,
      bytes_per_response: r.bytes,
      rss_peak_mb: peak,
      ratio: null,
      rows: r.rows,
      rows_per_s: r.rowsPerSecond,
      rss_growth_mb: peak - rssStart,
      checks: [],
    };
  } else {
    const r = await load(
      { url: `${ctx.url}${s.path(ctx)}`, method: s.method, headers: s.headers?.(ctx), body: s.body },
      { connections: s.connections ?? CONNECTIONS, duration: DURATION },
    );
    const drained = await drain(probeUrl(ctx), () => env.memory.pids);
    if (drained > 2) log(`  the server stayed busy for ${drained.toFixed(0)} s after the load stopped (requests already accepted)`);
    const cpu = cpuSeconds(env.memory.pids) - cpuBefore;
    result = { ...base, ...loadFigures(s, ctx, env, { ...r, cpu, drained }) };
  }
  if (env.server.exitCode !== null) throw new Error(`the server exited (${env.server.exitCode}) during ${s.key}`);
  return result;
}

/** Pairs of slices (one of the floor, one of the app) in an interleaved measurement. */
const INTERLEAVED_PAIRS = 4;

/**
 * A scenario whose targets are ratios only, measured interleaved with its floor
 * (`measuresInterleaved`): INTERLEAVED_PAIRS slices of each, ⌈--duration ÷ INTERLEAVED_PAIRS⌉
 * seconds apiece (whole seconds: autocannon ends a run on its next one-second sample, so an HTTP
 * slice of 2.5 s would run 3), in `interleavedOrder` (floor, app, app, floor, …), the floor's
 * process kept running through them. Both are warmed up first; the app drains after each of its slices, so no
 * floor slice runs beside the app's leftover work. The ratio is the pooled rates' (`pooledSlices`).
 */
async function measureInterleaved(
  s: Extract<Scenario, { kind: "load" }>,
  ctx: BenchContext,
  env: { server: ChildProcess; memory: MemorySampler; log: ReturnType<typeof requestLog> },
  dbFile: string,
  runDir: string,
): Promise<ScenarioResult> {
  log(`${s.key}: ${s.title}, interleaved with floor ${s.floor}: ${floors[s.floor]} …`);
  const rssStart = env.memory.startWindow();
  const connections = s.connections ?? CONNECTIONS;
  const appRequest = { url: `${ctx.url}${s.path(ctx)}`, method: s.method, headers: s.headers?.(ctx), body: s.body };
  const sliceSeconds = Math.ceil(DURATION / INTERLEAVED_PAIRS);
  const order = interleavedOrder(INTERLEAVED_PAIRS);
  const floorSlices: Slice[] = [];
  const appSlices: Slice[] = [];
  let drained = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let requests = 0;
  const { child, message, nextLine } = await startFloor(s.floor, dbFile, runDir, true);
  try {
    const floorUrl = s.floor === "C" ? "" : `http://127.0.0.1:${message.port}${floorPath(s.floor, ctx)}`;
    if (s.floor !== "C") await warmUp({ url: floorUrl }, CONNECTIONS, () => settle(() => [child.pid!]));
    await warmUp(appRequest, connections, () => drain(probeUrl(ctx), () => env.memory.pids));
    env.log.skip();
    for (const side of order) {
      if (side === "app") {
        const cpuBefore = cpuSeconds(env.memory.pids);
        const r = await load(appRequest, { connections, duration: sliceSeconds });
        drained += await drain(probeUrl(ctx), () => env.memory.pids);
        appSlices.push({ ok: Math.round(r.rps * r.seconds), seconds: r.seconds, p50: r.p50, p99: r.p99, cpu_s: cpuSeconds(env.memory.pids) - cpuBefore });
        non2xx += r.non2xx;
        errors += r.errors;
        timeouts += r.timeouts;
        requests += r.requests;
      } else if (s.floor === "C") {
        child.stdin!.write(`${sliceSeconds}\n`);
        const c = await nextLine();
        floorSlices.push({ ok: c.commits, seconds: c.seconds, p50: c.p50, p99: c.p99, cpu_s: null });
      } else {
        const cpuBefore = cpuSeconds([child.pid!]);
        const r = await load({ url: floorUrl }, { connections: CONNECTIONS, duration: sliceSeconds });
        await settle(() => [child.pid!]);
        if (r.non2xx + r.errors > 0) throw new Error(`floor ${s.floor}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        floorSlices.push({ ok: Math.round(r.rps * r.seconds), seconds: r.seconds, p50: r.p50, p99: r.p99, cpu_s: cpuSeconds([child.pid!]) - cpuBefore });
      }
    }
  } finally {
    // Floor C in slices mode closes its database and removes its files when its stdin ends.
    if (child.stdin && child.exitCode === null) {
      child.stdin.end();
      await Promise.race([once(child, "exit"), new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    await stopChild(child);
  }
  const floor = pooledSlices(floorSlices);
  const app = pooledSlices(appSlices);
  const cpu = appSlices.reduce((n, x) => n + x.cpu_s!, 0);
  if (env.server.exitCode !== null) throw new Error(`the server exited (${env.server.exitCode}) during ${s.key}`);
  const n = (x: number) => Math.round(x).toLocaleString("en");
  const rates = (side: "floor" | "app") => (side === "floor" ? floorSlices : appSlices).map((x) => n(x.ok / x.seconds)).join(", ");
  log(`  ${order.map((x) => (x === "floor" ? s.floor : "app")).join(" ")}: floor ${s.floor} ${rates("floor")} → ${n(floor.rps)}; app ${rates("app")} → ${n(app.rps)}`);
  if (drained > 2) log(`  the server stayed busy for ${drained.toFixed(0)} s after its slices (requests already accepted)`);
  return {
    key: s.key,
    title: s.title,
    kind: "load",
    flat_cost: s.flatCost ?? false,
    rss_start_mb: rssStart,
    floor_beside: { key: s.floor, title: floors[s.floor], rps: floor.rps, p50: floor.p50, p99: floor.p99, cpu_pct: floor.cpu_pct, cpu_ms_per_req: floor.cpu_ms_per_req },
    floor_after: null,
    slices: { order, floor_rps: floorSlices.map((x) => x.ok / x.seconds), app_rps: appSlices.map((x) => x.ok / x.seconds) },
    ...loadFigures(s, ctx, env, { ...app, non2xx, errors, timeouts, requests, cpu, drained }),
  };
}

async function main() {
  fs.mkdirSync(CACHE, { recursive: true });
  const loadStart = os.loadavg();
  if (!flags["build-dir"] && (!flags["no-build"] || !fs.existsSync(path.join(BUILD, "index.js")))) build();
  const runDir = fs.mkdtempSync(path.join(CACHE, "run-"));
  if (!flags.keep) runDirToRemove = runDir;
  try {
    const db = seededDatabase(runDir);
    const picked = middleCustomer(db.file, Math.floor(CUSTOMERS / 2));

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // LOG_LEVEL info, the production default: one JSON line per request, which is also where
    // server time is read. RATE_LIMIT_SCALE=0: limits off.
    const env = benchServerEnv({ port, dbFile: db.file, logLevel: "info" });
    const apiKey = (JSON.parse(cli("key-create", ["--merchant", MERCHANT, "--json"], env)) as { api_key: string }).api_key;

    const logFile = path.join(runDir, "server.log");
    const logFd = fs.openSync(logFile, "a");
    const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(BUILD, "index.js")], { cwd: ROOT, env, stdio: ["ignore", logFd, logFd] });
    children.add(server);
    fs.closeSync(logFd);
    await waitFor("the server", async () => (await fetch(`${url}/healthz`)).ok, server);
    const memory = memorySampler(server.pid!);
    const requests = requestLog(logFile);

    log("fixtures through the API …");
    // A dashboard owner (the staff CLI, as an operator makes one) for the dashboard scenarios.
    const staff = { email: `bench.owner.${process.pid}@example.com`, password: `bench ${randomUUID()} password` };
    cli("staff-create", ["--merchant", MERCHANT, "--email", staff.email, "--role", "owner", "--password", staff.password, "--json"], env);
    const ctx = await prepareFixtures({ url, apiKey, customerId: picked.id, searchTerm: picked.email.split("@")[0], staff });
    const bodiesDropped = flags["decode-bodies"] ? false : dropResponseBodies();
    const rssStart = memory.nowMb();
    log(
      `Portico bench: ${CUSTOMERS.toLocaleString("en")} customers, ${DURATION} s per scenario after a ${WARMUP} s warm-up, ${CONNECTIONS} connections, node ${process.version} ${SERVER_NODE_FLAGS.join(" ")}, ${os.cpus().length} cores, load average ${loadStart.map((l) => l.toFixed(1)).join(" ")}`,
    );

    const floorResults: Partial<Record<FloorKey, FloorResult>> = {};
    const results: ScenarioResult[] = [];
    // The floor measured last, while nothing has run since: the next scenario's "before" if it
    // compares with the same floor and is measured between two readings of it.
    let lastFloor: FloorResult | undefined;
    for (const s of selected) {
      // A scenario whose targets are ratios only is compared with its floor measured interleaved
      // with it (`measuresInterleaved`); one with a ratio and a latency target with its floor
      // measured right before it (its first measurement, or again: `measuresFloorBeside`) and right
      // after it, together (`bracketedFloor`); the others with the first measurement.
      const interleaved = s.kind === "load" && measuresInterleaved(s.targets);
      const bracketed = s.kind === "load" && !interleaved && measuresFloorBeside(s.targets);
      let r: ScenarioResult;
      if (interleaved && s.kind === "load") {
        // Its floor's first whole measurement still comes first: the floors' table and the
        // check at the end (did the machine's speed move during the run?) compare those.
        if (!floorResults[s.floor]) floorResults[s.floor] = await measureFloor(s.floor, ctx, db.file, runDir);
        r = await measureInterleaved(s, ctx, { server, memory, log: requests }, db.file, runDir);
        lastFloor = undefined;
      } else {
        let floor: FloorResult | undefined;
        if (s.kind === "load") {
          if (!floorResults[s.floor]) floor = floorResults[s.floor] = await measureFloor(s.floor, ctx, db.file, runDir);
          else if (!bracketed) floor = floorResults[s.floor];
          else if (lastFloor?.key === s.floor) {
            floor = lastFloor;
            log(`floor ${s.floor}: the measurement right after the last scenario is this one's "before"`);
          } else floor = await measureFloor(s.floor, ctx, db.file, runDir, "beside");
        }
        r = await measureScenario(s, ctx, { server, memory, log: requests });
        r.floor_beside = floor ?? null;
        lastFloor = undefined;
        if (bracketed && s.kind === "load") {
          r.floor_after = lastFloor = await measureFloor(s.floor, ctx, db.file, runDir, "bracket");
          const n = (x: number) => Math.round(x).toLocaleString("en");
          log(`  floor ${s.floor} ${n(floor!.rps)} before it, ${n(r.floor_after.rps)} after: ${s.key}'s ratio against ${n(floorFor({ floors: floorResults }, r)!.rps)}`);
        }
      }
      const against = floorFor({ floors: floorResults }, r);
      r.ratio = against ? r.rps / against.rps : null;
      r.checks = (s.targets ?? []).map((t) => check(t, r));
      results.push(r);
      log(
        `  ${Math.round(r.rps)} req/s${r.ratio === null ? "" : ` (ratio ${r.ratio.toFixed(2)})`}, p50 ${r.p50} ms, p99 ${r.p99} ms${r.slices ? " (slices: median p50, highest p99)" : ""}, server p95 ${r.server.p95} ms, RSS ${Math.round(r.rss_peak_mb)} MB${r.errors ? `, ${r.errors} errors` : ""}`,
      );
    }
    // Every floor again, in the same conditions (the app idle beside it): a machine whose speed
    // moved during the run shows here, and the report says which ratios it spoils.
    const floorsAfter: Partial<Record<FloorKey, FloorResult>> = {};
    if (!flags["no-floor-recheck"]) {
      for (const key of Object.keys(floorResults) as FloorKey[]) {
        floorsAfter[key] = await measureFloor(key, ctx, db.file, runDir, "after");
      }
    }
    const peak = memory.peakMb();
    memory.stop();
    await stopChild(server);

    const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    const rss = { start_mb: rssStart, peak_mb: peak, target_mb: RSS_TARGET_MB, ok: peak <= RSS_TARGET_MB };
    const result: BenchResult = {
      version: 1,
      at: new Date().toISOString(),
      commit,
      node: process.version,
      cpus: os.cpus().length,
      loadavg: { start: loadStart, end: os.loadavg() },
      options: { duration: DURATION, warmup: WARMUP, connections: CONNECTIONS, customers: CUSTOMERS, payments_per_customer: PPC, bodies_dropped: bodiesDropped },
      seed: { seconds: db.seedSeconds, cached: db.cached },
      floors: floorResults,
      scenarios: results,
      rss,
      ratios: ratiosOf({ scenarios: results, rss }),
      cpu_ratios: cpuRatiosOf({ scenarios: results, floors: floorResults }),
      ...(flags["no-floor-recheck"] ? {} : { floors_after: floorsAfter, floor_drift: floorDrift(floorResults, floorsAfter) }),
    };
    const out = path.resolve(flags.out);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    if (!only) fs.writeFileSync(path.join(CACHE, `customers-${CUSTOMERS}.json`), `${JSON.stringify(result, null, 2)}\n`);

    const summary = targetsSummary(result);
    console.log(
      `\nPortico bench ${result.at} (${commit}${flags["build-dir"] ? `, build ${BUILD}` : ""}), ${CUSTOMERS.toLocaleString("en")} customers, ${DURATION} s × ${CONNECTIONS} connections per scenario after a ${WARMUP} s warm-up, load average ${loadStart[0].toFixed(1)} → ${result.loadavg.end[0].toFixed(1)}`,
    );
    console.log(formatFloors(result));
    console.log(`\n${formatTable(result)}\n`);
    console.log(`targets met: ${summary.met} of ${summary.total}`);
    if (result.floor_drift) console.log(formatFloorDrift(result.floor_drift));
    console.log(formatCpuRatios(result.cpu_ratios));
    console.log(formatRatios(result.ratios));
    log(`results: ${path.relative(ROOT, out)}`);
  } finally {
    if (flags.keep) log(`kept ${path.relative(ROOT, runDir)}`);
    else fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
