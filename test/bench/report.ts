/**
 * Judging and printing `npm run bench` results: targets met or not, the one table, the ratios
 * line, the JSON written to .cache/bench/, and the flat-cost comparison of two runs.
 */
import type { ServerTimes } from "./measure";
import { FLAT_COST_MIN, type FloorKey, type Target } from "./scenarios";

export type FloorResult = {
  key: FloorKey;
  title: string;
  rps: number;
  p50: number;
  p99: number;
  /** CPU of the floor's process, % of one core, and ms per request (HTTP floors). */
  cpu_pct: number | null;
  cpu_ms_per_req: number | null;
};

export type Check = { label: string; ok: boolean };

export type ScenarioResult = {
  key: string;
  title: string;
  kind: "load" | "stream";
  floor: FloorKey | null;
  /**
   * The floor's figures this scenario's ratio was taken against: for a scenario with a ratio
   * target, the floor measured again right before it (`floorFor`); otherwise its first measurement.
   */
  floor_beside?: FloorResult | null;
  /**
   * The same floor measured again right after the scenario (those with a ratio target): the ratio
   * is then taken against the two measurements together (`bracketedFloor`).
   */
  floor_after?: FloorResult | null;
  /**
   * Scenarios whose targets are all ratios are measured interleaved with their floor: short
   * slices of each in turn (`interleavedOrder`), each pooled (`pooledSlices`); the rates of the
   * slices, in the order run, for the log and the JSON.
   */
  slices?: { order: Array<"floor" | "app">; floor_rps: number[]; app_rps: number[] } | null;
  flat_cost: boolean;
  rps: number;
  p50: number;
  p99: number;
  /** non-2xx responses + connection errors (timeouts included) */
  errors: number;
  non2xx: number;
  timeouts: number;
  /** Server time from the request log. */
  server: ServerTimes & { all?: number };
  cpu_pct: number;
  cpu_ms_per_req: number;
  /** Seconds the server kept working on accepted requests after the load generator stopped. */
  drain_s: number;
  bytes_per_response: number | null;
  rss_start_mb: number;
  rss_peak_mb: number;
  ratio: number | null;
  rows?: number;
  rows_per_s?: number;
  rss_growth_mb?: number;
  checks: Check[];
};

export type BenchResult = {
  version: 1;
  at: string;
  commit: string;
  node: string;
  cpus: number;
  loadavg: { start: number[]; end: number[] };
  options: { duration: number; warmup?: number; connections: number; customers: number; payments_per_customer: number; bodies_dropped: boolean };
  seed: { seconds: number | null; cached: boolean };
  floors: Partial<Record<FloorKey, FloorResult>>;
  scenarios: ScenarioResult[];
  rss: { start_mb: number; peak_mb: number; target_mb: number; ok: boolean };
  ratios: Record<string, number>;
  cpu_ratios: Record<string, number>;
  /** Each floor measured again after the last scenario (absent with --no-floor-recheck). */
  floors_after?: Partial<Record<FloorKey, FloorResult>>;
  floor_drift?: FloorDrift[];
};

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "—");
const int = (n: number) => (!Number.isFinite(n) ? "—" : n > 0 && n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en"));
const ms = (n: number) => (!Number.isFinite(n) ? "—" : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en"));

/** One target judged against one scenario's figures. */
export function check(target: Target, s: Pick<ScenarioResult, "ratio" | "p50" | "p99" | "server" | "rows_per_s" | "rss_growth_mb">): Check {
  switch (target.kind) {
    case "ratio":
      return { label: `ratio ≥ ${target.min}`, ok: s.ratio !== null && s.ratio >= target.min };
    case "p99_vs_p50":
      return { label: `p99 ≤ ${target.max}×p50`, ok: s.p99 <= target.max * s.p50 };
    case "p99_ms":
      return { label: `p99 < ${target.below} ms`, ok: s.p99 < target.below };
    case "server_p95_ms":
      return { label: `server p95 < ${target.below} ms`, ok: s.server.n > 0 && s.server.p95 < target.below };
    case "rows_per_s":
      return { label: `≥ ${int(target.min)} rows/s`, ok: (s.rows_per_s ?? 0) >= target.min };
    case "rss_growth_mb":
      return { label: `RSS growth < ${target.below} MB`, ok: s.rss_growth_mb !== undefined && s.rss_growth_mb < target.below };
  }
}

const mark = (c: Check) => `${c.label} ${c.ok ? "✓" : "✗"}`;

/** Terminal columns: Hangul and CJK characters take two. */
export function displayWidth(text: string) {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60);
    width += wide ? 2 : 1;
  }
  return width;
}

export function markdownTable(header: string[], rows: string[][], rightAligned: Set<number>) {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const pad = (c: string, i: number) => {
    const fill = " ".repeat(widths[i] - displayWidth(c));
    return rightAligned.has(i) ? fill + c : c + fill;
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (rightAligned.has(i) ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/**
 * Server CPU per request, floor ÷ app: the same comparison as the req/s ratio but independent of
 * the load generator, which shares the two cores and can cap a fast floor before its server does.
 */
export const cpuRatio = (floor: FloorResult, s: ScenarioResult) => (floor.cpu_ms_per_req ?? NaN) / s.cpu_ms_per_req;

/**
 * One floor measured right before a scenario and again right after it, as one measurement over
 * both windows (they last the same): the mean rate; CPU a request pooled over both windows'
 * requests; the latencies' mean (shown nowhere a target reads them). The host's speed moves within
 * a scenario's half minute; the two readings bracket the app's run instead of preceding it.
 */
export function bracketedFloor(before: FloorResult, after: FloorResult): FloorResult {
  const pooledCpu =
    before.cpu_ms_per_req === null || after.cpu_ms_per_req === null
      ? null
      : (before.cpu_ms_per_req * before.rps + after.cpu_ms_per_req * after.rps) / (before.rps + after.rps);
  return {
    key: before.key,
    title: before.title,
    rps: (before.rps + after.rps) / 2,
    p50: (before.p50 + after.p50) / 2,
    p99: (before.p99 + after.p99) / 2,
    cpu_pct: before.cpu_pct === null || after.cpu_pct === null ? null : (before.cpu_pct + after.cpu_pct) / 2,
    cpu_ms_per_req: pooledCpu,
  };
}

/**
 * Whether a scenario is measured interleaved with its floor (slices of each in turn) rather than
 * between two whole measurements of it: when its targets are ratios only. A latency target (the
 * portal page's p99) is taken from one whole run, which opens its connections once.
 */
export const measuresInterleaved = (targets: readonly { kind: string }[] | undefined) =>
  (targets ?? []).length > 0 && (targets ?? []).every((t) => t.kind === "ratio");

/**
 * The order of an interleaved measurement's `2 × pairs` slices: floor, app, app, floor, floor,
 * app, app, floor… Each kind's slices then sit at the same mean time, so a machine whose speed
 * moves steadily through the scenario moves both sides alike.
 */
export function interleavedOrder(pairs: number): Array<"floor" | "app"> {
  const order: Array<"floor" | "app"> = [];
  for (let i = 0; i < pairs; i++) order.push(...(i % 2 === 0 ? (["floor", "app"] as const) : (["app", "floor"] as const)));
  return order;
}

/** What one slice of an interleaved measurement gave: one autocannon run, or one floor C loop. */
export type Slice = { ok: number; seconds: number; p50: number; p99: number; cpu_s: number | null };

/**
 * Slices of one kind pooled: the rate is the successful requests (or commits) over the slices'
 * summed time; p50 is the median of the slices' p50s and p99 the highest slice p99 (the slices'
 * latency histograms are not kept); CPU a request over the slices' summed CPU, or null if a
 * slice has none.
 */
export function pooledSlices(slices: readonly Slice[]) {
  if (slices.length === 0) throw new Error("no slices to pool");
  const ok = slices.reduce((n, x) => n + x.ok, 0);
  const seconds = slices.reduce((n, x) => n + x.seconds, 0);
  const p50s = slices.map((x) => x.p50).sort((a, b) => a - b);
  const mid = p50s.length >> 1;
  const p50 = p50s.length % 2 === 1 ? p50s[mid] : (p50s[mid - 1] + p50s[mid]) / 2;
  const cpu = slices.some((x) => x.cpu_s === null) ? null : slices.reduce((n, x) => n + x.cpu_s!, 0);
  return {
    ok,
    seconds,
    rps: ok / seconds,
    p50,
    p99: Math.max(...slices.map((x) => x.p99)),
    cpu_pct: cpu === null ? null : (100 * cpu) / seconds,
    cpu_ms_per_req: cpu === null || ok === 0 ? null : (1000 * cpu) / ok,
  };
}

/**
 * The floor a scenario is compared with: the ones measured right before and right after it
 * together, else the one measured before it, else its floor's first measurement.
 */
export const floorFor = (result: Pick<BenchResult, "floors">, s: ScenarioResult): FloorResult | undefined =>
  s.floor_beside && s.floor_after ? bracketedFloor(s.floor_beside, s.floor_after) : (s.floor_beside ?? (s.floor ? result.floors[s.floor] : undefined));

/**
 * Whether a scenario's floor is measured again right before it and right after it, unless it is
 * measured interleaved with it (`measuresInterleaved`, asked first): a ratio target's scenario may
 * run minutes after its floor's first measurement, and on a shared host the machine's speed moves
 * that much in minutes (README "Benchmarks": −27 % and +77 % between a run's start and end), and
 * even within the scenario's own half minute.
 */
export const measuresFloorBeside = (targets: readonly { kind: string }[] | undefined) => (targets ?? []).some((t) => t.kind === "ratio");

/** The one table: each app scenario beside its floor, then the whole run's peak RSS. */
export function formatTable(result: BenchResult): string {
  const header = ["scenario", "floor", "floor req/s", "app req/s", "ratio", "p50 ms", "p99 ms", "server p95 ms", "CPU ms/req", "CPU ratio", "errors", "targets"];
  const rows = result.scenarios.map((s) => {
    const floor = floorFor(result, s);
    return s.kind === "stream"
      ? [s.title, "—", "—", `${int(s.rows_per_s ?? NaN)} rows/s`, "—", "—", "—", ms(s.server.p95), "—", "—", String(s.errors), [`RSS +${fixed(s.rss_growth_mb ?? NaN, 0)} MB`, ...s.checks.map(mark)].join("; ")]
      : [
          s.title,
          s.floor ? `${s.floor}${s.slices ? ", interleaved" : s.floor_after ? ", before + after" : ""}` : "—",
          floor ? int(floor.rps) : "—",
          int(s.rps),
          s.ratio === null ? "—" : fixed(s.ratio, 2),
          ms(s.p50),
          ms(s.p99),
          ms(s.server.p95),
          fixed(s.cpu_ms_per_req, 2),
          floor?.cpu_ms_per_req ? fixed(cpuRatio(floor, s), 3) : "—",
          String(s.errors),
          s.checks.map(mark).join("; "),
        ];
  });
  rows.push(["peak server RSS (whole bench)", "", "", "", "", "", "", "", "", "", "", `${fixed(result.rss.peak_mb, 0)} MB ≤ ${result.rss.target_mb} MB ${result.rss.ok ? "✓" : "✗"}`]);
  return markdownTable(header, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]));
}

export function formatFloors(result: BenchResult): string {
  return (Object.values(result.floors) as FloorResult[])
    .map(
      (f) =>
        `floor ${f.key}: ${f.title}: ${int(f.rps)} ${f.key === "C" ? "commits/s" : "req/s"}, p50 ${ms(f.p50)} ms, p99 ${ms(f.p99)} ms` +
        (f.cpu_ms_per_req === null ? "" : `, CPU ${fixed(f.cpu_ms_per_req, 3)} ms/req (${fixed(f.cpu_pct ?? NaN, 0)} % of a core)`),
    )
    .join("\n");
}

// ── Floors again at the end: did the machine's speed move during the run? ──────────────────

/** How far a floor moved between its measurement before its scenarios and again at the end. */
export type FloorDrift = {
  key: FloorKey;
  before_rps: number;
  after_rps: number;
  /** after ÷ before − 1, on req/s (commits/s for C) */
  change: number;
  /** after ÷ before − 1, on CPU ms per request (HTTP floors) */
  cpu_change: number | null;
  /** Either change beyond ±FLOOR_DRIFT_LIMIT (or not a number). */
  moved: boolean;
};

/**
 * A floor whose rate, or CPU a request, moved by more than this between the start and the end of a run: the machine
 * ran at another speed during the run, and ratios against that floor mix the two. On a quiet
 * machine the floors repeat within a few per cent between runs (README "Benchmarks").
 */
export const FLOOR_DRIFT_LIMIT = 0.15;

export function floorDrift(before: Partial<Record<FloorKey, FloorResult>>, after: Partial<Record<FloorKey, FloorResult>>): FloorDrift[] {
  const drift: FloorDrift[] = [];
  for (const key of Object.keys(before) as FloorKey[]) {
    const b = before[key];
    const a = after[key];
    if (!b || !a) continue;
    const change = a.rps / b.rps - 1;
    // (1e-9: a change of exactly the limit is within it, floating point notwithstanding)
    const cpu_change = a.cpu_ms_per_req !== null && b.cpu_ms_per_req ? a.cpu_ms_per_req / b.cpu_ms_per_req - 1 : null;
    // Either figure counts: a fast floor's rate is capped by the load generator, so the machine's
    // speed may show only in its CPU a request.
    const within = (x: number | null) => x === null || Math.abs(x) <= FLOOR_DRIFT_LIMIT + 1e-9;
    drift.push({ key, before_rps: b.rps, after_rps: a.rps, change, cpu_change, moved: !(within(change) && within(cpu_change)) });
  }
  return drift;
}

const signedPercent = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(100 * x))} %`;

/** One line: each floor's change since its first measurement, then whether the run is a fair reading. */
export function formatFloorDrift(drift: FloorDrift[]): string {
  if (drift.length === 0) return "floors at the end: not measured again";
  const each = drift
    .map((d) => `${d.key} ${int(d.before_rps)} → ${int(d.after_rps)} (${signedPercent(d.change)}${d.cpu_change === null ? "" : `, CPU a request ${signedPercent(d.cpu_change)}`})`)
    .join(", ");
  const moved = drift.filter((d) => d.moved).map((d) => d.key);
  const limit = `±${Math.round(100 * FLOOR_DRIFT_LIMIT)} %`;
  return moved.length === 0
    ? `floors at the end: ${each} — all within ${limit}: the machine held its speed through the run`
    : `floors at the end: ${each} — ${moved.join(", ")} moved more than ${limit}: the machine's speed changed during the run, and ratios against ${moved.length === 1 ? "that floor" : "those floors"} are not a fair reading`;
}

export function ratiosOf(result: Pick<BenchResult, "scenarios" | "rss">): Record<string, number> {
  const ratios: Record<string, number> = {};
  for (const s of result.scenarios) if (s.ratio !== null) ratios[s.key] = Number(s.ratio.toFixed(2));
  ratios.rss_mb = Math.round(result.rss.peak_mb);
  return ratios;
}

export function cpuRatiosOf(result: Pick<BenchResult, "scenarios" | "floors">): Record<string, number> {
  const ratios: Record<string, number> = {};
  for (const s of result.scenarios) {
    const floor = floorFor(result, s);
    if (floor?.cpu_ms_per_req && Number.isFinite(s.cpu_ms_per_req)) ratios[s.key] = Number(cpuRatio(floor, s).toFixed(3));
  }
  return ratios;
}

export const formatCpuRatios = (ratios: Record<string, number>) =>
  `CPU ratios (floor CPU per request ÷ app's): ${Object.entries(ratios)
    .map(([k, v]) => `${k}=${v.toFixed(3)}`)
    .join(" ")}`;

export const formatRatios = (ratios: Record<string, number>) =>
  `ratios: ${Object.entries(ratios)
    .map(([k, v]) => `${k}=${k === "rss_mb" ? v : v.toFixed(2)}`)
    .join(" ")}`;

export function targetsSummary(result: BenchResult) {
  const checks = [...result.scenarios.flatMap((s) => s.checks), { label: "rss", ok: result.rss.ok }];
  const met = checks.filter((c) => c.ok).length;
  return { met, total: checks.length, allMet: met === checks.length };
}

// ── Flat cost: the same scenarios at two database sizes ──────────────────────────────────────

export type Comparison = {
  key: string;
  title: string;
  base_rps: number;
  scaled_rps: number;
  /** scaled req/s ÷ base req/s */
  raw: number;
  /** the same with each run's req/s divided by its own floor: the machine's load on the day cancels out */
  normalized: number;
  /** base CPU ms per request ÷ scaled CPU ms per request */
  cpu: number;
  base_server_p95: number;
  scaled_server_p95: number;
  ok: boolean;
};

export function compareRuns(base: BenchResult, scaled: BenchResult): Comparison[] {
  return scaled.scenarios
    .filter((s) => s.flat_cost)
    .flatMap((s) => {
      const b = base.scenarios.find((x) => x.key === s.key);
      if (!b) return [];
      const raw = b.rps > 0 ? s.rps / b.rps : NaN;
      const normalized = b.ratio && s.ratio !== null ? s.ratio / b.ratio : raw;
      return [
        {
          key: s.key,
          title: s.title,
          base_rps: b.rps,
          scaled_rps: s.rps,
          raw,
          normalized,
          cpu: b.cpu_ms_per_req / s.cpu_ms_per_req,
          base_server_p95: b.server.p95,
          scaled_server_p95: s.server.p95,
          ok: normalized >= FLAT_COST_MIN,
        },
      ];
    });
}

export function formatComparison(base: BenchResult, scaled: BenchResult, rows: Comparison[]): string {
  const n = (r: BenchResult) => int(r.options.customers);
  const header = ["scenario", `req/s at ${n(base)}`, `req/s at ${n(scaled)}`, "raw", "vs floors", "CPU", `server p95 ms at ${n(base)}`, `at ${n(scaled)}`, "target (vs floors)"];
  const table = markdownTable(
    header,
    rows.map((c) => [c.title, int(c.base_rps), int(c.scaled_rps), fixed(c.raw, 2), fixed(c.normalized, 2), fixed(c.cpu, 2), ms(c.base_server_p95), ms(c.scaled_server_p95), `≥ ${FLAT_COST_MIN} ${c.ok ? "✓" : "✗"}`]),
    new Set([1, 2, 3, 4, 5, 6, 7]),
  );
  return `${table}\nflat: ${rows.map((c) => `${c.key}=${fixed(c.normalized, 2)}`).join(" ")}`;
}

/** Node's flags in an npm script that runs `node`: `node --a=1 --b app/cli/start.mjs` → ["--a=1", "--b"]. */
export function serverNodeFlags(script: string): string[] {
  const words = script.trim().split(/\s+/);
  if (words[0] !== "node") return [];
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith("--")) break;
    flags.push(word);
  }
  return flags;
}
