/**
 * The floors of `npm run bench`: the least work each kind of request needs on this machine,
 * measured in the same run as the app. Each floor runs as its own child process (its own heap and
 * CPU), started by run.ts:
 *
 *   node --import tsx test/bench/floors.ts A --db bench.db    → prints {"port":…}; GET /customers/<id>
 *   node --import tsx test/bench/floors.ts B --db bench.db    → GET /billing/<customer id>
 *   node --import tsx test/bench/floors.ts C --dir <dir> --duration 10 → prints the commit figures
 *   node --import tsx test/bench/floors.ts C --dir <dir> --slices      → prints {"ready":true}, then for
 *     each line "<seconds>" read from stdin commits for that long and prints that slice's figures
 *     (the interleaved measurement of run.ts); exits when stdin ends
 *   node --import tsx test/bench/floors.ts D --dir <dir>      → GET /static-30k.bin
 *
 * A: bare node:http + one better-sqlite3 read by id (the unique index on customers.id) → JSON.
 * B: node:http + one indexed query (a customer's 20 newest payments) + React renderToString of a
 *    20-row table page (production React: run with NODE_ENV=production).
 * C: SQLite in WAL mode with synchronous=FULL, one connection, single-row INSERT commits one after
 *    another (one fsync each) in a file beside the app's database, i.e. on the same disk.
 * D: a static 30 KB file from node:http, read once at start and served from memory.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { renderBillingPage, type FloorPaymentRow } from "./floor-page";
import { summarize } from "./measure";

export const STATIC_FILE_BYTES = 30 * 1024;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { db: { type: "string" }, dir: { type: "string" }, duration: { type: "string", default: "10" }, slices: { type: "boolean", default: false } },
});
const floor = positionals[0];

function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer(handler);
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}

const notFound = (res: http.ServerResponse) => res.writeHead(404).end();
const lastSegment = (url: string | undefined) => decodeURIComponent((url ?? "").split("/").pop() ?? "");

if (floor === "A") {
  const db = new Database(values.db!, { readonly: true });
  const byId = db.prepare("select * from customers where id = ?");
  serve((req, res) => {
    const row = byId.get(lastSegment(req.url));
    if (!row) return notFound(res);
    const body = JSON.stringify(row);
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
} else if (floor === "B") {
  const db = new Database(values.db!, { readonly: true });
  const page = db.prepare(
    `select id, created_at, invoice_number, amount, amount_refunded, currency, status from payments
     where customer_id = ? order by created_at desc, seq desc limit 20`,
  );
  serve((req, res) => {
    const rows = page.all(lastSegment(req.url)) as FloorPaymentRow[];
    if (rows.length === 0) return notFound(res);
    const body = renderBillingPage(rows);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
} else if (floor === "C") {
  const file = path.join(values.dir!, "floor-c.db");
  const removeFiles = () => {
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  };
  removeFiles();
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("create table commits (id integer primary key, at integer not null, note text not null)");
  const insert = db.prepare("insert into commits (at, note) values (?, ?)");
  /** Single-row commits one after another for `duration` seconds: their count, rate and latencies. */
  const commitFor = (duration: number) => {
    const deadline = performance.now() + duration * 1000;
    const latencies: number[] = [];
    const started = performance.now();
    while (performance.now() < deadline) {
      const t = performance.now();
      insert.run(Date.now(), "a single-row commit");
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    const times = summarize(latencies);
    return { commits: latencies.length, seconds, rps: latencies.length / seconds, p50: times.p50, p99: times.p99 };
  };
  const finish = () => {
    db.close();
    removeFiles();
  };
  if (values.slices) {
    process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    const lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => process.stdout.write(`${JSON.stringify(commitFor(Number(line)))}\n`));
    lines.on("close", finish);
  } else {
    const figures = commitFor(Number(values.duration));
    finish();
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  }
} else if (floor === "D") {
  const file = path.join(values.dir!, "static-30k.bin");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(STATIC_FILE_BYTES));
  const bytes = fs.readFileSync(file);
  serve((req, res) => {
    if (req.url !== "/static-30k.bin") return notFound(res);
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": bytes.length });
    res.end(bytes);
  });
} else {
  process.stderr.write(`unknown floor '${floor}' (A, B, C or D)\n`);
  process.exit(2);
}
