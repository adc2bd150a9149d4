/**
 * The least a mint can do, as a server (test/bench/pair/bare-mint.sh; ADR 024, third addendum):
 * bare node:http, the JSON body read and parsed, and per event-loop turn one `BEGIN IMMEDIATE`,
 * a savepoint per request holding the mint's three rows in the app's own tables (the link, its
 * webhook event, its audit row, with time-ordered ids as the app's, ADR 015; RANDOM_IDS=1 for
 * random ones), one `COMMIT` (WAL, synchronous=FULL), then the answers (a 201 with a JSON link).
 * No key check, no signing, no validation, no customer check, no routing, no log line, no
 * security headers: what group commit alone costs against floor C.
 * usage: node --import tsx test/bench/pair/bare-mint.ts <database> <port>   (prints "ready")
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";

const [file, port] = process.argv.slice(2);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
const { merchant_id: merchantId, id: customerId } = db
  .prepare("select merchant_id, id from customers where deleted_at is null order by seq limit 1 offset 500")
  .get() as { merchant_id: string; id: string };
const statement = (text: string) => db.prepare(text);
const begin = statement("BEGIN IMMEDIATE");
const commit = statement("COMMIT");
const savepoint = statement("SAVEPOINT unit");
const release = statement("RELEASE unit");
const insertLink = statement(
  "insert into portal_sessions (id, merchant_id, customer_id, kind, purpose, expires_at, created_at) values (?, ?, ?, 'redirect', 'api', ?, ?)",
);
const insertEvent = statement("insert into webhook_events (id, merchant_id, type, payload, created_at) values (?, ?, 'portal_session.created', ?, ?)");
const insertAudit = statement(
  "insert into audit_log (id, merchant_id, actor_type, actor_id, action, object_type, object_id, data, created_at) values (?, ?, 'api_key', 'key_bare', 'portal_session.created', 'portal_session', ?, '{\"kind\":\"redirect\"}', ?)",
);
let count = 0;
const id =
  process.env.RANDOM_IDS === "1"
    ? (prefix: string) => prefix + randomBytes(16).toString("base64url")
    : (prefix: string) => prefix + Date.now().toString(36).padStart(9, "0") + (count++).toString(36).padStart(7, "0") + "bare00";
// Stands in for the signed token: the link's length, not its cost.
const tokenTail = randomBytes(240).toString("base64url");

let queue: http.ServerResponse[] = [];
let scheduled = false;
function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  const answers: string[] = [];
  begin.run();
  for (let i = 0; i < batch.length; i++) {
    savepoint.run();
    const now = Date.now();
    const linkId = id("ps_");
    insertLink.run(linkId, merchantId, customerId, now + 3_600_000, now);
    insertEvent.run(id("evt_"), merchantId, JSON.stringify({ type: "portal_session.created", data: { object: { id: linkId, customer_id: customerId } } }), now);
    insertAudit.run(id("aud_"), merchantId, linkId, now);
    release.run();
    answers.push(
      JSON.stringify({
        id: linkId,
        object: "portal_session",
        customer_id: customerId,
        url: `http://127.0.0.1:${port}/portal/session/${linkId}.${tokenTail}`,
        kind: "redirect",
        expires_at: new Date(now + 3_600_000).toISOString(),
        created_at: new Date(now).toISOString(),
      }),
    );
  }
  commit.run();
  // No answer before the commit that holds its row.
  batch.forEach((res, i) => {
    res.writeHead(201, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(answers[i]) });
    res.end(answers[i]);
  });
}

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      queue.push(res);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  })
  .listen(Number(port), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => {
  db.close();
  process.exit(0);
});
