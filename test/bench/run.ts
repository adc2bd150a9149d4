/**
 * `npm run bench`: load figures for the production build on this machine. Starts
 * `node build/index.js` (NODE_ENV=production, rate limits off) on a fresh SQLite file, makes data
 * through the real API, drives each endpoint with autocannon and prints req/s, latency and the
 * server's resident memory. Targets live here, never in timed tests.
 *
 *   npm run bench                      # every scenario, 10 s each
 *   BENCH_DURATION=5 npm run bench     # shorter
 *   BENCH_ONLY=customers npm run bench # scenarios whose name contains "customers"
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { scenarios, type BenchContext } from "./scenarios";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function freePort() {
  return new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-bench-"));
  const dbFile = path.join(dir, "bench.db");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    DATABASE_PATH: dbFile,
    PORTAL_SIGNING_KEYS: "bench:bench-signing-secret-0123456789abcdef",
    RATE_LIMIT_SCALE: "0",
    LOG_LEVEL: "warn",
  } as unknown as NodeJS.ProcessEnv;
  const server = spawn(process.execPath, [path.join(ROOT, "build/index.js")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start")), 20_000);
    const poll = async () => {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return clearTimeout(timer), resolve();
      } catch {
        /* not up yet */
      }
      setTimeout(poll, 100);
    };
    void poll();
  });
  server.stdout!.resume();

  const created = spawnSync(process.execPath, ["--import", "tsx", "app/cli/merchant-create.ts", "--name", "Bench", "--json"], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  const apiKey = (JSON.parse(created.stdout) as { api_key: string }).api_key;
  const ctx: BenchContext = { url, apiKey, data: {} };

  const only = process.env.BENCH_ONLY;
  const rows: string[][] = [];
  console.log(`Portico bench: ${DURATION}s per scenario, ${CONNECTIONS} connections, node ${process.version}, ${os.cpus().length} cores`);
  for (const scenario of scenarios.filter((s) => !only || s.name.includes(only))) {
    await scenario.setup?.(ctx);
    const result = await autocannon({
      url: `${url}${scenario.path(ctx)}`,
      method: scenario.method ?? "GET",
      headers: scenario.headers?.(ctx) ?? {},
      // A fresh body per request (unique emails for the write scenario).
      ...(scenario.body
        ? { requests: [{ method: scenario.method ?? "POST", setupRequest: (req: autocannon.Request) => ({ ...req, body: scenario.body!(ctx) }) }] }
        : {}),
      connections: scenario.connections ?? CONNECTIONS,
      duration: DURATION,
    });
    const bad = result.non2xx + result.errors + result.timeouts;
    rows.push([
      scenario.name,
      result.requests.average.toFixed(0),
      result.latency.p50.toFixed(0),
      result.latency.p99.toFixed(0),
      String(bad),
      rssMb(server.pid!).toFixed(0),
    ]);
    console.log(`  ${scenario.name}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, non-2xx/errors ${bad}`);
  }
  server.kill("SIGTERM");
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx+errors", "server RSS MB"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n${line(header)}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |\n${rows.map(line).join("\n")}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
