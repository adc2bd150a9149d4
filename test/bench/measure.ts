/**
 * The measuring instruments of `npm run bench`: autocannon runs, a sampler of a process tree's
 * resident memory and CPU from /proc, the server's own request log (server time per request),
 * and a single streamed download (rows/s). No assertions here: report.ts judges the figures.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import autocannon from "autocannon";

// ── Load (autocannon) ─────────────────────────────────────────────────────────────────────────

export type LoadRequest = {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** A constant body, or a fresh one per request. */
  body?: string | (() => string);
};

export type LoadResult = {
  /** 2xx responses per second over the run. */
  rps: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
};

let bodiesDropped = false;
/**
 * autocannon appends every response body to a JS string before discarding it, which caps it near
 * 75 MB/s on this machine: a 30 KB PDF floor would measure the client, not the server. No scenario
 * here checks bodies, so the queue's body accumulation is turned off (byte counts are kept).
 * Returns false when autocannon's internals moved (then bodies are decoded as before).
 */
export function dropResponseBodies(): boolean {
  if (bodiesDropped) return true;
  const require = createRequire(import.meta.url);
  const Queue = require("autocannon/lib/pipelinedRequestsQueue.js") as { prototype: { addBody?: (data: unknown) => void } };
  if (typeof Queue?.prototype?.addBody !== "function") return false;
  Queue.prototype.addBody = () => {};
  bodiesDropped = true;
  return true;
}

/**
 * autocannon's options for a request's body: a constant one, or a fresh one for each request
 * (through `requests[].setupRequest`, which autocannon calls before every request it sends).
 */
export function bodyOptions(method: LoadRequest["method"], body: LoadRequest["body"]): Partial<autocannon.Options> {
  if (typeof body === "function") return { requests: [{ method: method ?? "POST", setupRequest: (r: autocannon.Request) => ({ ...r, body: body() }) }] };
  return body !== undefined ? { body } : {};
}

/** One autocannon run; each run opens its connections afresh. */
export async function load(req: LoadRequest, opts: { connections: number; duration: number }): Promise<LoadResult> {
  const result = await autocannon({
    url: req.url,
    method: req.method ?? "GET",
    headers: req.headers ?? {},
    connections: opts.connections,
    duration: opts.duration,
    ...bodyOptions(req.method, req.body),
  });
  const ok = result["2xx"];
  return {
    rps: ok / result.duration,
    requests: ok + result.non2xx,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
  };
}

// ── Process sampling (/proc) ──────────────────────────────────────────────────────────────────

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function readStat(pid: number): { ppid: number; cpuTicks: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may contain spaces, closed by the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function readStatusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (a cluster of workers counts as one server). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(name)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** CPU seconds used so far by a process tree (user + system). */
export function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuTicks ?? 0), 0) / TICKS_PER_SECOND;
}

/**
 * Waits until a process tree is idle (under 2 % of a core over 200 ms, at most `timeoutMs`), so
 * that work still in flight when the load generator stops is counted in the scenario it belongs
 * to and the next scenario starts on a quiet server. Returns the seconds it waited.
 */
export async function settle(pids: () => number[], timeoutMs = 300_000) {
  const started = Date.now();
  let before = cpuSeconds(pids());
  while (Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 200));
    const now = cpuSeconds(pids());
    if (now - before < 0.004) break;
    before = now;
  }
  return (Date.now() - started) / 1000;
}

/**
 * Waits until the app has worked through every request it had accepted when the load generator
 * stopped. Idle CPU alone is not proof (a query waiting on the disk uses none), so a probe
 * request goes in behind them: connections are accepted in order, and the probe answers only
 * once the backlog is served. Done when a probe answers within 200 ms and the process tree then
 * stays idle for 200 ms. Returns the seconds it waited.
 */
export async function drain(probeUrl: string, pids: () => number[], timeoutMs = 600_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const sent = performance.now();
    await fetch(probeUrl)
      .then((res) => res.arrayBuffer())
      .catch(() => undefined);
    const answeredIn = performance.now() - sent;
    const cpu = cpuSeconds(pids());
    await new Promise((r) => setTimeout(r, 200));
    if (answeredIn < 200 && cpuSeconds(pids()) - cpu < 0.004) break;
  }
  return (Date.now() - started) / 1000;
}

/**
 * Samples a process tree's resident memory every `intervalMs` (the tree is re-listed every
 * second), and keeps the peak: the whole run's, and a resettable one per scenario.
 */
export function memorySampler(root: number, intervalMs = 100) {
  let pids = processTree(root);
  let peakKb = 0;
  let windowPeakKb = 0;
  let lastKb = 0;
  let ticks = 0;
  const sample = () => {
    if (++ticks % Math.max(1, Math.round(1000 / intervalMs)) === 0) pids = processTree(root);
    lastKb = pids.reduce((sum, pid) => sum + readStatusKb(pid, "VmRSS"), 0);
    peakKb = Math.max(peakKb, lastKb);
    windowPeakKb = Math.max(windowPeakKb, lastKb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  const mb = (kb: number) => kb / 1024;
  return {
    get pids() {
      return pids;
    },
    nowMb: () => (sample(), mb(lastKb)),
    /** Starts a window (one scenario) and returns the RSS at its start. */
    startWindow: () => (sample(), (windowPeakKb = lastKb), mb(lastKb)),
    windowPeakMb: () => (sample(), mb(windowPeakKb)),
    /** Peak over the whole run: sampled sums, and the kernel's high-water mark of the main process. */
    peakMb: () => (sample(), mb(Math.max(peakKb, readStatusKb(root, "VmHWM")))),
    stop: () => clearInterval(timer),
  };
}
export type MemorySampler = ReturnType<typeof memorySampler>;

// ── Server time from the request log ──────────────────────────────────────────────────────────

export type ServerTimes = { n: number; p50: number; p95: number; p99: number; max: number };
export type LoggedRequests = ServerTimes & { /** every matching request, errors included */ all: number };

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(values: number[]): ServerTimes {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Reads the server's JSON request log (one line per request, `duration_ms` from the request's
 * arrival in Express to the end of its response) from where the last read stopped.
 */
export function requestLog(file: string) {
  let offset = 0;
  let partial = "";
  return {
    /** Skips what is logged so far (setup requests). */
    skip() {
      offset = fs.statSync(file).size;
      partial = "";
    },
    /** Server times of the successful requests logged since the last read that match method and path. */
    read(match: { method: string; path: string }): LoggedRequests {
      const size = fs.statSync(file).size;
      const fd = fs.openSync(file, "r");
      const buffer = Buffer.alloc(size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      fs.closeSync(fd);
      offset = size;
      const lines = (partial + buffer.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      const durations: number[] = [];
      let all = 0;
      for (const line of lines) {
        if (!line.includes('"msg":"request"')) continue;
        const entry = JSON.parse(line) as { method: string; path: string; status: number; duration_ms: number };
        if (entry.method !== match.method || entry.path !== match.path) continue;
        all++;
        if (entry.status < 400) durations.push(entry.duration_ms);
      }
      return { ...summarize(durations), all };
    },
  };
}

// ── One streamed download (CSV export) ────────────────────────────────────────────────────────

export type StreamResult = { status: number; rows: number; bytes: number; seconds: number; rowsPerSecond: number };

/**
 * Downloads one response to the end, counting CSV records (header included) as they arrive: a
 * newline ends a record unless it is inside a quoted field.
 */
export async function streamOnce(url: string, headers: Record<string, string> = {}): Promise<StreamResult> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  let rows = 0;
  let bytes = 0;
  let last = 0x0a;
  let quoted = false;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 0x22) quoted = !quoted;
      else if (chunk[i] === 0x0a && !quoted) rows++;
    }
    last = chunk[chunk.length - 1] ?? last;
  }
  if (bytes > 0 && last !== 0x0a) rows++;
  const seconds = (performance.now() - started) / 1000;
  return { status: res.status, rows, bytes, seconds, rowsPerSecond: rows / seconds };
}
