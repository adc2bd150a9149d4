/**
 * The least a mint can do, as a server (test/bench/pair/bare-mint.sh; ADR 024, third and fifth addenda):
 * bare node:http, the JSON body read and parsed, and per event-loop turn one `BEGIN IMMEDIATE`,
 * a savepoint per request holding the mint's three rows in the app's own tables (the link, its
 * webhook event, its audit row, with time-ordered ids as the app's, ADR 015; RANDOM_IDS=1 for
 * random ones), one `COMMIT` (WAL, synchronous=FULL), then the answers (a 201 with a JSON link).
 * No key check, no signing, no validation, no customer check, no routing, no log line, no
 * security headers: what group commit alone costs against floor C.
 * KIND=create: the least a create (`POST /api/v1/customers`) can do, the same way — per request
 * the customer's row (from the body's email and name) and its audit row; per batch the search
 * indexes written by the app's own batch hook (ADR 016, `customerSearchIndexPerBatch`). No
 * uniqueness check but the unique index.
 * NO_SEARCH_INDEX=1 with it: the hook defers, but the batch's new customers are never indexed (an
 * upper bound, not a product).
 * usage: [KIND=create] node --import tsx test/bench/pair/bare-mint.ts <database> <port>   (prints "ready")
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";
import { searchGrams, shortSearchQueue } from "../../../app/utils/search-grams.server";
import { customerSearchIndexPerBatch } from "../../../app/utils/search-index-batch.server";

const [file, port] = process.argv.slice(2);
const kind = process.env.KIND ?? "mint";
if (kind !== "mint" && kind !== "create") throw new Error(`KIND must be mint or create, not ${kind}`);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("foreign_keys = ON");
db.function("search_grams", { deterministic: true }, searchGrams);
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
// The create's statements: its row and its audit row.
const insertCustomer = statement(
  "insert into customers (id, merchant_id, email, email_normalized, name, metadata, created_at, updated_at) values (?, ?, ?, ?, ?, '{}', ?, ?)",
);
const insertCustomerAudit = statement(
  "insert into audit_log (id, merchant_id, actor_type, actor_id, action, object_type, object_id, created_at) values (?, ?, 'api_key', 'key_bare', 'customer.created', 'customer', ?, ?)",
);
// The app's own batch hook (ADR 016): `begin` records the newest customer and defers the index
// triggers, `beforeCommit` indexes the batch's new customers in both search indexes.
const searchIndex = customerSearchIndexPerBatch(db, shortSearchQueue(db));
// NO_SEARCH_INDEX=1: the deferral ended without indexing.
const undefer = statement("DELETE FROM customers_fts_deferred");
let count = 0;
const id =
  process.env.RANDOM_IDS === "1"
    ? (prefix: string) => prefix + randomBytes(16).toString("base64url")
    : (prefix: string) => prefix + Date.now().toString(36).padStart(9, "0") + (count++).toString(36).padStart(7, "0") + "bare00";
// Stands in for the signed token: the link's length, not its cost.
const tokenTail = randomBytes(240).toString("base64url");

type Pending = { res: http.ServerResponse; body: { email?: string; name?: string } };
type Answer = { status: number; answer: string };
let queue: Pending[] = [];
let scheduled = false;

/** One mint in its savepoint: the link, its webhook event, its audit row; its answer. */
function mint(): Answer {
  const now = Date.now();
  const linkId = id("ps_");
  insertLink.run(linkId, merchantId, customerId, now + 3_600_000, now);
  insertEvent.run(id("evt_"), merchantId, JSON.stringify({ type: "portal_session.created", data: { object: { id: linkId, customer_id: customerId } } }), now);
  insertAudit.run(id("aud_"), merchantId, linkId, now);
  return {
    status: 201,
    answer: JSON.stringify({
      id: linkId,
      object: "portal_session",
      customer_id: customerId,
      url: `http://127.0.0.1:${port}/portal/session/${linkId}.${tokenTail}`,
      kind: "redirect",
      expires_at: new Date(now + 3_600_000).toISOString(),
      created_at: new Date(now).toISOString(),
    }),
  };
}

/** One create in its savepoint: the customer's row and its audit row; its answer. */
function create(body: Pending["body"]): Answer {
  const now = Date.now();
  const newCustomerId = id("cus_");
  const email = typeof body.email === "string" ? body.email : null;
  try {
    insertCustomer.run(newCustomerId, merchantId, email, email?.toLowerCase() ?? null, typeof body.name === "string" ? body.name : null, now, now);
  } catch (error) {
    if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw error;
    return { status: 409, answer: JSON.stringify({ error: { type: "conflict", message: "a customer has that email" } }) };
  }
  insertCustomerAudit.run(id("aud_"), merchantId, newCustomerId, now);
  return {
    status: 201,
    answer: JSON.stringify({ id: newCustomerId, object: "customer", email, name: body.name ?? null, metadata: {}, created_at: new Date(now).toISOString() }),
  };
}

function flush() {
  scheduled = false;
  const batch = queue;
  queue = [];
  const answers: Answer[] = [];
  begin.run();
  if (kind === "create") searchIndex.begin();
  for (const { body } of batch) {
    savepoint.run();
    answers.push(kind === "create" ? create(body) : mint());
    release.run();
  }
  if (kind === "create") {
    if (process.env.NO_SEARCH_INDEX === "1") undefer.run();
    else searchIndex.beforeCommit();
  }
  commit.run();
  // No answer before the commit that holds its row.
  batch.forEach(({ res }, i) => {
    const { status, answer } = answers[i];
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(answer) });
    res.end(answer);
  });
}

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      queue.push({ res, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") });
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
