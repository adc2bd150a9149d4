import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { percentile, requestLog, streamOnce, summarize } from "./measure";
import {
  bracketedFloor,
  check,
  compareRuns,
  cpuRatiosOf,
  displayWidth,
  floorDrift,
  floorFor,
  formatComparison,
  formatFloorDrift,
  formatRatios,
  formatTable,
  interleavedOrder,
  measuresFloorBeside,
  measuresInterleaved,
  pooledSlices,
  ratiosOf,
  serverNodeFlags,
  targetsSummary,
  type BenchResult,
  type FloorResult,
  type ScenarioResult,
} from "./report";
import { tempDir } from "../setup/own-database";

const times = { n: 100, p50: 5, p95: 40, p99: 60, max: 80 };
const scenario = (over: Partial<ScenarioResult>): ScenarioResult => ({
  key: "api_read",
  title: "GET /api/v1/customers/{id}",
  kind: "load",
  floor: "A",
  flat_cost: true,
  rps: 1000,
  p50: 40,
  p99: 100,
  errors: 0,
  non2xx: 0,
  timeouts: 0,
  server: times,
  cpu_pct: 99,
  cpu_ms_per_req: 1,
  drain_s: 0,
  bytes_per_response: null,
  rss_start_mb: 200,
  rss_peak_mb: 220,
  ratio: 0.3,
  checks: [],
  ...over,
});
const result = (customers: number, scenarios: ScenarioResult[]): BenchResult => ({
  version: 1,
  at: "2026-12-02T00:00:00.000Z",
  commit: "abc1234",
  node: "v20",
  cpus: 2,
  loadavg: { start: [1, 1, 1], end: [1, 1, 1] },
  options: { duration: 10, connections: 50, customers, payments_per_customer: 5, bodies_dropped: true },
  seed: { seconds: 1, cached: true },
  floors: { A: { key: "A", title: "floor A", rps: 4000, p50: 1, p99: 3, cpu_pct: 99, cpu_ms_per_req: 0.2 } },
  scenarios,
  rss: { start_mb: 180, peak_mb: 320, target_mb: 300, ok: false },
  ratios: {},
  cpu_ratios: {},
});

describe("targets", () => {
  it("judges each kind of target against the figures", () => {
    const s = scenario({ ratio: 0.25, p50: 40, p99: 120 });
    expect(check({ kind: "ratio", min: 0.25 }, s)).toEqual({ label: "ratio ≥ 0.25", ok: true });
    expect(check({ kind: "ratio", min: 0.26 }, s).ok).toBe(false);
    expect(check({ kind: "ratio", min: 0.1 }, { ...s, ratio: null }).ok).toBe(false);
    expect(check({ kind: "p99_vs_p50", max: 3 }, s)).toEqual({ label: "p99 ≤ 3×p50", ok: true });
    expect(check({ kind: "p99_vs_p50", max: 2 }, s).ok).toBe(false);
    expect(check({ kind: "p99_ms", below: 120 }, s).ok).toBe(false);
    expect(check({ kind: "p99_ms", below: 121 }, s).ok).toBe(true);
    expect(check({ kind: "server_p95_ms", below: 50 }, s).ok).toBe(true);
    expect(check({ kind: "server_p95_ms", below: 40 }, s).ok).toBe(false);
    expect(check({ kind: "server_p95_ms", below: 50 }, { ...s, server: summarize([]) }).ok).toBe(false);
    expect(check({ kind: "rows_per_s", min: 20_000 }, { ...s, rows_per_s: 25_000 })).toEqual({ label: "≥ 20,000 rows/s", ok: true });
    expect(check({ kind: "rss_growth_mb", below: 50 }, { ...s, rss_growth_mb: 51 }).ok).toBe(false);
  });

  it("prints one table, a summary of targets and a ratios line ending with the peak RSS", () => {
    const r = result(1000, [
      scenario({ checks: [{ label: "ratio ≥ 0.25", ok: true }] }),
      scenario({ key: "page", title: "GET /portal/billing (민지)", floor: "B", ratio: 0.04, checks: [{ label: "ratio ≥ 0.2", ok: false }] }),
    ]);
    r.floors.B = { key: "B", title: "floor B", rps: 2000, p50: 1, p99: 3, cpu_pct: 99, cpu_ms_per_req: 0.5 };
    const table = formatTable(r);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^\| scenario +\| floor \| floor req\/s \| app req\/s \| ratio \| p50 ms \| p99 ms \| server p95 ms \|/);
    expect(table).toContain("ratio ≥ 0.25 ✓");
    expect(table).toContain("ratio ≥ 0.2 ✗");
    expect(table).toContain("320 MB ≤ 300 MB ✗");
    // Columns line up on screen, Hangul counting two columns.
    expect(new Set(lines.map(displayWidth)).size).toBe(1);
    expect(targetsSummary(r)).toEqual({ met: 1, total: 3, allMet: false });
    expect(formatRatios(ratiosOf(r))).toBe("ratios: api_read=0.30 page=0.04 rss_mb=320");
    // Floor A spends 0.2 ms of CPU per request, the app 1 ms: 0.2.
    expect(cpuRatiosOf(r)).toEqual({ api_read: 0.2, page: 0.5 });
  });

  it("compares a scenario with the floor measured beside it when there is one, in the table and the CPU ratios", () => {
    const beside: FloorResult = { key: "A", title: "floor A", rps: 2500, p50: 1, p99: 3, cpu_pct: 99, cpu_ms_per_req: 0.4 };
    const r = result(1000, [scenario({ key: "healthz", title: "GET /healthz", ratio: 0.25 }), scenario({ ratio: 0.4, floor_beside: beside })]);
    expect(floorFor(r, r.scenarios[0])).toBe(r.floors.A);
    expect(floorFor(r, r.scenarios[1])).toBe(beside);
    const rows = formatTable(r).split("\n");
    expect(rows.find((l) => l.startsWith("| GET /healthz"))).toMatch(/\| A +\| +4,000 \|/);
    expect(rows.find((l) => l.startsWith("| GET /api/v1/customers/{id}"))).toMatch(/\| A +\| +2,500 \|/);
    // 0.2 ms ÷ 1 ms against the first floor A, 0.4 ms ÷ 1 ms against the one beside.
    expect(cpuRatiosOf(r)).toEqual({ healthz: 0.2, api_read: 0.4 });
    // Measured again beside a scenario: those with a ratio target, and only those.
    expect(measuresFloorBeside([{ kind: "ratio" }, { kind: "p99_ms" }])).toBe(true);
    expect(measuresFloorBeside([{ kind: "server_p95_ms" }])).toBe(false);
    expect(measuresFloorBeside(undefined)).toBe(false);
  });

  it("takes a floor measured right before and right after a scenario as one measurement over both windows", () => {
    // Floor A read 3,000 req/s at 0.3 ms of CPU each before the scenario and 1,000 at 0.9 ms after.
    const before: FloorResult = { key: "A", title: "floor A", rps: 3000, p50: 1, p99: 3, cpu_pct: 90, cpu_ms_per_req: 0.3 };
    const after: FloorResult = { key: "A", title: "floor A", rps: 1000, p50: 3, p99: 9, cpu_pct: 90, cpu_ms_per_req: 0.9 };
    const both = bracketedFloor(before, after);
    // Equal windows: 40,000 requests in 20 s; 3,000 × 0.3 + 1,000 × 0.9 = 1,800 ms of CPU a second over 4,000 requests.
    expect(both).toEqual({ key: "A", title: "floor A", rps: 2000, p50: 2, p99: 6, cpu_pct: 90, cpu_ms_per_req: 0.45 });
    // Floor C reports no CPU: the pair has none either.
    const c: FloorResult = { key: "C", title: "floor C", rps: 6000, p50: 0.2, p99: 0.3, cpu_pct: null, cpu_ms_per_req: null };
    expect(bracketedFloor(c, { ...c, rps: 8000 })).toMatchObject({ rps: 7000, cpu_pct: null, cpu_ms_per_req: null });

    const r = result(1000, [scenario({ ratio: 0.5, floor_beside: before, floor_after: after }), scenario({ key: "api_list", title: "GET /api/v1/customers?limit=20", floor_beside: before })]);
    expect(floorFor(r, r.scenarios[0])).toEqual(both);
    // Without a measurement after it, a scenario keeps the one before it.
    expect(floorFor(r, r.scenarios[1])).toBe(before);
    const rows = formatTable(r).split("\n");
    expect(rows.find((l) => l.startsWith("| GET /api/v1/customers/{id}"))).toMatch(/\| A, before \+ after +\| +2,000 \| +1,000 \| +0\.50 \|/);
    // The CPU ratio against the pooled 0.45 ms: 0.45 ÷ 1 ms.
    expect(cpuRatiosOf(r)).toEqual({ api_read: 0.45, api_list: 0.3 });
  });

  it("interleaves slices of a floor and the app only where every target is a ratio, in an order whose mean times match", () => {
    expect(measuresInterleaved([{ kind: "ratio" }])).toBe(true);
    // The portal page's p99 target is taken from one whole run: bracketed instead.
    expect(measuresInterleaved([{ kind: "ratio" }, { kind: "p99_ms" }])).toBe(false);
    expect(measuresInterleaved([])).toBe(false);
    expect(measuresInterleaved(undefined)).toBe(false);
    const order = interleavedOrder(4);
    expect(order).toEqual(["floor", "app", "app", "floor", "floor", "app", "app", "floor"]);
    // Slice i runs over [i, i + 1): each side's mean time is the same, so a steady drift in the
    // machine's speed weighs on both alike.
    const meanTime = (side: "floor" | "app") => {
      const at = order.flatMap((x, i) => (x === side ? [i + 0.5] : []));
      return at.reduce((a, b) => a + b, 0) / at.length;
    };
    expect(meanTime("floor")).toBe(meanTime("app"));
    expect(interleavedOrder(1)).toEqual(["floor", "app"]);
  });

  it("pools slices by their summed requests and time, not by averaging their rates", () => {
    // 9,000 in 1 s and 1,000 in 4 s: 2,000 a second over the 5 s (the rates' mean would say 4,625).
    const pooled = pooledSlices([
      { ok: 9000, seconds: 1, p50: 2, p99: 10, cpu_s: 0.9 },
      { ok: 1000, seconds: 4, p50: 6, p99: 30, cpu_s: 0.6 },
      { ok: 5000, seconds: 5, p50: 4, p99: 20, cpu_s: 1.5 },
    ]);
    expect(pooled).toMatchObject({ ok: 15000, seconds: 10, rps: 1500, p50: 4, p99: 30, cpu_pct: 30 });
    expect(pooled.cpu_ms_per_req).toBeCloseTo(0.2, 10);
    // An even count: the two middle p50s' mean; floor C's slices have no CPU.
    expect(pooledSlices([
      { ok: 100, seconds: 1, p50: 1, p99: 2, cpu_s: null },
      { ok: 100, seconds: 1, p50: 3, p99: 5, cpu_s: null },
    ])).toMatchObject({ rps: 100, p50: 2, p99: 5, cpu_pct: null, cpu_ms_per_req: null });
    expect(() => pooledSlices([])).toThrow(/no slices/);

    const interleaved = scenario({ key: "pdf", title: "GET /api/v1/payments/{id}/invoice", floor: "D", ratio: 0.4, rps: 8000, floor_beside: { key: "D", title: "floor D", rps: 20000, p50: 1, p99: 4, cpu_pct: 90, cpu_ms_per_req: 0.05 }, slices: { order: ["floor", "app"], floor_rps: [20000], app_rps: [8000] } });
    const r = result(1000, [interleaved]);
    expect(floorFor(r, interleaved)).toBe(interleaved.floor_beside);
    expect(formatTable(r).split("\n").find((l) => l.startsWith("| GET /api/v1/payments"))).toMatch(/\| D, interleaved +\| +20,000 \| +8,000 \| +0\.40 \|/);
  });
});

describe("floors measured again at the end of a run", () => {
  const floor = (key: FloorResult["key"], rps: number, cpu: number | null): FloorResult => ({ key, title: `floor ${key}`, rps, p50: 1, p99: 3, cpu_pct: cpu === null ? null : 99, cpu_ms_per_req: cpu });

  it("names the floors whose rate (or CPU a request) moved more than ±15 %, and says their ratios are not a fair reading", () => {
    // Figures of a run on this machine: floor B's CPU a page went from 0.227 to 0.399 ms.
    const before = { A: floor("A", 21_559, 0.046), B: floor("B", 4_470, 0.227), C: floor("C", 8_109, null), D: floor("D", 38_081, 0.025) };
    const after = { A: floor("A", 20_900, 0.047), B: floor("B", 2_529, 0.399), C: floor("C", 6_663, null), D: floor("D", 37_000, 0.026) };
    const drift = floorDrift(before, after);
    expect(drift.map((d) => [d.key, d.moved])).toEqual([["A", false], ["B", true], ["C", true], ["D", false]]);
    expect(drift[1]!.change).toBeCloseTo(2_529 / 4_470 - 1, 6);
    expect(drift[1]!.cpu_change).toBeCloseTo(0.399 / 0.227 - 1, 6);
    expect(drift[2]!.cpu_change).toBeNull();
    const line = formatFloorDrift(drift);
    expect(line).toContain("B 4,470 → 2,529 (−43 %, CPU a request +76 %)");
    expect(line).toContain("C 8,109 → 6,663 (−18 %)");
    expect(line).toContain("B, C moved more than ±15 %");
    expect(line).toContain("not a fair reading");
  });

  it("says the machine held its speed when every floor is within the limit, the limit included", () => {
    const before = { A: floor("A", 20_000, 0.05), B: floor("B", 4_000, 0.25) };
    const drift = floorDrift(before, { A: floor("A", 23_000, 0.045), B: floor("B", 3_400, 0.28) });
    expect(drift.every((d) => !d.moved)).toBe(true);
    expect(formatFloorDrift(drift)).toMatch(/A 20,000 → 23,000 \(\+15 %.*all within ±15 %: the machine held its speed/);
    // A floor measured only once (or not again) is left out; none at all is said so.
    expect(floorDrift(before, { A: floor("A", 20_000, 0.05) }).map((d) => d.key)).toEqual(["A"]);
    expect(formatFloorDrift([])).toBe("floors at the end: not measured again");
    // A rate that held while the CPU a request moved counts as moved (a floor capped by the load generator).
    expect(floorDrift(before, { A: floor("A", 20_500, 0.0615) }).map((d) => [d.key, d.moved])).toEqual([["A", true]]);
    // A failed re-measurement (no rate) counts as moved, not as steady.
    expect(floorDrift({ A: floor("A", 20_000, 0.05) }, { A: floor("A", NaN, null) })[0]!.moved).toBe(true);
  });
});

describe("flat cost", () => {
  it("compares the flat-cost scenarios of two runs, each against its own floor, with 0.9", () => {
    const base = result(1000, [scenario({ rps: 1000, ratio: 0.25, cpu_ms_per_req: 1 }), scenario({ key: "page", rps: 100, ratio: 0.05 }), scenario({ key: "mint", flat_cost: false, rps: 50 })]);
    // The machine was busier during the scaled run: floor A (and everything) at 80 %.
    const scaled = result(1_000_000, [scenario({ rps: 760, ratio: 0.2375, cpu_ms_per_req: 1.25 }), scenario({ key: "page", rps: 64, ratio: 0.04 }), scenario({ key: "mint", flat_cost: false, rps: 10 })]);
    const rows = compareRuns(base, scaled);
    expect(rows.map((r) => [r.key, Number(r.raw.toFixed(2)), Number(r.normalized.toFixed(2)), Number(r.cpu.toFixed(2)), r.ok])).toEqual([
      ["api_read", 0.76, 0.95, 0.8, true],
      ["page", 0.64, 0.8, 1, false],
    ]);
    const printed = formatComparison(base, scaled, rows);
    expect(printed).toContain("req/s at 1,000,000");
    expect(printed.split("\n").at(-1)).toBe("flat: api_read=0.95 page=0.80");
  });
});

describe("instruments", () => {
  it("takes nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(summarize([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });

  it("reads server times from the request log, from where the last read stopped", () => {
    const file = path.join(tempDir("portico-bench-log-"), "server.log");
    const line = (method: string, p: string, status: number, ms: number) => `${JSON.stringify({ level: 30, msg: "request", method, path: p, status, duration_ms: ms })}\n`;
    fs.writeFileSync(file, line("GET", "/portal/billing", 200, 99));
    const log = requestLog(file);
    log.skip();
    fs.appendFileSync(file, line("GET", "/portal/billing", 200, 10) + line("GET", "/portal/billing", 200, 30) + line("POST", "/portal/billing", 200, 1) + line("GET", "/portal", 200, 1) + line("GET", "/portal/billing", 500, 1) + '{"msg":"other"}\n');
    fs.appendFileSync(file, line("GET", "/portal/billing", 200, 20).slice(0, 20));
    expect(log.read({ method: "GET", path: "/portal/billing" })).toEqual({ n: 2, p50: 10, p95: 30, p99: 30, max: 30, all: 3 });
    // The line cut in half is read whole next time.
    fs.appendFileSync(file, line("GET", "/portal/billing", 200, 20).slice(20));
    expect(log.read({ method: "GET", path: "/portal/billing" }).n).toBe(1);
  });

  describe("streamOnce", () => {
    let server: http.Server;
    let url = "";
    beforeAll(async () => {
      server = http.createServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/csv" });
        res.write("\ufeffid,name\n");
        for (let i = 0; i < 5000; i++) res.write(`cus_${i},"Kim, ""Minji""\n김민지"\n`);
        res.end("cus_last,no newline at the end");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/export.csv`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("counts CSV records, newlines inside quoted fields included, to the end of the stream", async () => {
      const r = await streamOnce(url);
      expect(r.status).toBe(200);
      expect(r.rows).toBe(1 + 5000 + 1);
      expect(r.bytes).toBeGreaterThan(5000 * 20);
    });
  });
});

describe("serverNodeFlags", () => {
  it("reads node's flags from the start script, so the bench runs the server as npm start does", () => {
    expect(serverNodeFlags("node --max-old-space-size=200 app/cli/start.mjs")).toEqual(["--max-old-space-size=200"]);
    expect(serverNodeFlags("node --a --b=2 app/cli/start.mjs --rebuild")).toEqual(["--a", "--b=2"]);
    expect(serverNodeFlags("node app/cli/start.mjs")).toEqual([]);
    expect(serverNodeFlags("tsx app/cli/start.ts --x")).toEqual([]);
  });
});
