import { afterEach, describe, expect, it } from "vitest";
import { apiClient, type ApiResponse } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";
import { waitUntil } from "../setup/wait";
import Database from "better-sqlite3";
import { readDb } from "./portal-helpers";

// Group commit (docs/decisions/009-group-commit.md): the API's writes that arrive together share
// one transaction, each in its own savepoint, and are answered only after their COMMIT.

// Hundreds of requests at once from one key: the per-key limit is not what is tested here.
const env = { RATE_LIMIT_SCALE: "100" };
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop("SIGKILL");
});

async function start(dbFile?: string) {
  const server = await startServer({ env, dbFile });
  servers.push(server);
  return server;
}

async function merchantApi(server: TestServer, name: string) {
  const m = createMerchant(server.dbFile, name);
  return { merchant: m, api: apiClient(server.url, m.apiKey) };
}

const count = (dbFile: string, sql: string, ...params: unknown[]) => readDb<{ n: number }>(dbFile, sql, ...params)[0].n;
const run = Date.now().toString(36);

/**
 * Customer search's index (indexed once per batch, ADR 016) agrees with the customers table:
 * FTS5's own integrity check, and no batch's deferral row left behind.
 */
function expectSearchIndexWhole(dbFile: string) {
  const db = new Database(dbFile);
  try {
    db.pragma("busy_timeout = 5000");
    expect(() => db.prepare("insert into customers_fts (customers_fts, rank) values ('integrity-check', 1)").run()).not.toThrow();
    expect(db.prepare("select count(*) from customers_fts_deferred").pluck().get()).toBe(0);
  } finally {
    db.close();
  }
}
/** How many customers customer search finds for a phrase. */
const searchCount = (dbFile: string, phrase: string) => count(dbFile, "select count(*) as n from customers_fts where customers_fts match ?", `"${phrase}"`);

describe("concurrent writes", () => {
  it("answers 150 concurrent customer creates and 150 concurrent mints, and every row is there", async () => {
    const server = await start();
    const { api } = await merchantApi(server, "Batch Co");
    const customer = (await api.post("/customers", { email: `minted-${run}@example.com` })).body.id as string;

    const [creates, mints] = await Promise.all([
      Promise.all(Array.from({ length: 150 }, (_, i) => api.post("/customers", { email: `c${i}-${run}@example.com`, name: `C ${i}` }))),
      Promise.all(Array.from({ length: 150 }, () => api.post(`/customers/${customer}/portal-sessions`, {}))),
    ]);
    expect(creates.map((r) => r.status)).toEqual(creates.map(() => 201));
    expect(mints.map((r) => r.status)).toEqual(mints.map(() => 201));
    for (const r of creates) {
      expect(count(server.dbFile, "select count(*) as n from customers where id = ? and email = ?", r.body.id, r.body.email)).toBe(1);
    }
    const minted = readDb<{ id: string }>(server.dbFile, "select id from portal_sessions where customer_id = ?", customer).map((r) => r.id);
    expect(new Set(minted)).toEqual(new Set(mints.map((r) => r.body.id)));
    expect(count(server.dbFile, "select count(*) as n from webhook_events where type = 'portal_session.created'")).toBe(150);
    // Search finds every one of them (the minted-to customer too).
    expect(searchCount(server.dbFile, `-${run}@example.com`)).toBe(151);
    expect((await api.get(`/customers?q=${encodeURIComponent(`c149-${run}`)}`)).body.data.map((c: { id: string }) => c.id)).toEqual([creates[149].body.id]);
    expectSearchIndexWhole(server.dbFile);
  });

  it("a refused request among concurrent good ones gets its error and writes nothing; the others land", async () => {
    const server = await start();
    const { api } = await merchantApi(server, "Refusal Co");
    // Pairs of one email: in whichever batch they meet, exactly one of each pair is created and the
    // other sees the first's uncommitted row in its own savepoint and is refused.
    const emails = Array.from({ length: 40 }, (_, i) => `pair${i}-${run}@example.com`);
    const requests = emails.flatMap((email) => [email, email]).map((email, i) => api.post("/customers", { email, name: `P ${i}` }));
    const results = await Promise.all(requests);
    for (let i = 0; i < emails.length; i++) {
      const pair = [results[2 * i], results[2 * i + 1]];
      expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(pair.find((r) => r.status === 409)!.body.error).toMatchObject({ code: "customer_exists", param: "email" });
    }
    const created = results.filter((r) => r.status === 201).map((r) => r.body.id as string);
    expect(count(server.dbFile, "select count(*) as n from customers where email like 'pair%'")).toBe(40);
    // The refused ones left no audit entry either: one per created customer, no more.
    const audited = readDb<{ object_id: string }>(server.dbFile, "select object_id from audit_log where action = 'customer.created'").map((r) => r.object_id);
    expect(new Set(audited)).toEqual(new Set(created));
    expect(audited).toHaveLength(40);
  });
});

describe("the audit entries a batch writes (one insert prepared once, app/models/audit.server.ts)", () => {
  it("keeps SQL NULL and JSON apart, and the actor and time of each write", async () => {
    const server = await start();
    const { api } = await merchantApi(server, "Audit Batch Co");
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => api.post("/customers", { email: `audit${i}-${run}@example.com` })));
    const id = created[0].body.id as string;
    expect((await api.patch(`/customers/${id}`, { name: "Renamed" })).status).toBe(200);
    const rows = readDb<{ action: string; actor_type: string; data: string | null; before: string | null; ip: string | null; created_at: number }>(
      server.dbFile,
      "select action, actor_type, data, before, ip, created_at from audit_log where object_id = ? order by seq",
      id,
    );
    expect(rows.map((r) => [r.action, r.actor_type, r.data, r.before, r.ip])).toEqual([
      ["customer.created", "api_key", null, null, null],
      ["customer.updated", "api_key", '{"fields":["name"]}', null, null],
    ]);
    expect(rows.every((r) => Number.isSafeInteger(r.created_at) && r.created_at > 1e12)).toBe(true); // milliseconds
  });
});

describe("concurrent requests with one Idempotency-Key (API.md: never both execute)", () => {
  it("executes one of them; same body replays it, another body gets 409 idempotency_error", async () => {
    const server = await start();
    const { api } = await merchantApi(server, "Idem Batch Co");
    const bodyA = { email: `idem-a-${run}@example.com` };
    const bodyB = { email: `idem-b-${run}@example.com` };
    const bodies = Array.from({ length: 30 }, (_, i) => (i % 3 === 2 ? bodyB : bodyA));
    const results = await Promise.all(bodies.map((b) => api.post("/customers", b, { "Idempotency-Key": `shared-${run}` })));
    const executed = results.filter((r) => r.status === 201 && r.headers.get("idempotent-replayed") === null);
    expect(executed).toHaveLength(1);
    const winner = executed[0].body.email as string;
    results.forEach((r, i) => {
      if (r === executed[0]) return;
      if (bodies[i].email === winner) {
        expect(r.status).toBe(201);
        expect(r.headers.get("idempotent-replayed")).toBe("true");
        expect(r.body).toEqual(executed[0].body);
      } else {
        expect(r.status).toBe(409);
        expect(r.body.error).toMatchObject({ type: "idempotency_error", code: "idempotency_key_reused" });
      }
    });
    expect(count(server.dbFile, "select count(*) as n from customers where email in (?, ?)", bodyA.email, bodyB.email)).toBe(1);
  });

  it("keeps and replays a business error decided in a shared batch", async () => {
    const server = await start();
    const { api } = await merchantApi(server, "Idem Error Co");
    const email = `taken-${run}@example.com`;
    expect((await api.post("/customers", { email })).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 10 }, () => api.post("/customers", { email }, { "Idempotency-Key": `err-${run}` })));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 409));
    expect(results.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });
});

type Sent = { kind: "create" | "mint"; key: string; body: Record<string, unknown>; response: ApiResponse | null };

describe("kill -9 while batched writes are in flight", () => {
  it("every write answered 2xx before the kill is in the database after the restart, whole; a cut-off request's key still works", async () => {
    const first = await start();
    const { merchant, api } = await merchantApi(first, "Crash Co");
    const target = (await api.post("/customers", { email: `crash-target-${run}@example.com`, name: "Target" })).body.id as string;

    const N = 240;
    const sent: Sent[] = Array.from({ length: N }, (_, i) =>
      i % 2 === 0
        ? { kind: "create", key: `crash-${run}-${i}`, body: { email: `crash${i}-${run}@example.com` }, response: null }
        : { kind: "mint", key: `crash-${run}-${i}`, body: i % 4 === 1 ? { send_email: true } : {}, response: null },
    );
    const path = (s: Sent) => (s.kind === "create" ? "/customers" : `/customers/${target}/portal-sessions`);
    let answered = 0;
    const inFlight = sent.map((s) =>
      api.post(path(s), s.body, { "Idempotency-Key": s.key }).then(
        (res) => {
          s.response = res;
          answered++;
        },
        () => undefined, // cut off by the kill: not acknowledged
      ),
    );
    // A random moment while writes are in flight: after 1 to N/3 answers.
    const killAfter = 1 + Math.floor(Math.random() * (N / 3));
    await waitUntil(() => `${killAfter} answers (${answered} so far)`, () => answered >= killAfter, { intervalMs: 1 });
    expect(await first.stop("SIGKILL")).toBeNull();
    await Promise.all(inFlight);
    const acknowledged = sent.filter((s) => s.response !== null && s.response.status >= 200 && s.response.status < 300);
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    console.info(`kill -9 after ${killAfter} answers: ${acknowledged.length} acknowledged, ${sent.filter((s) => !s.response).length} cut off`);

    const second = await start(first.dbFile);
    const db = second.dbFile;
    // Every acknowledged write is there.
    for (const s of acknowledged) {
      const table = s.kind === "create" ? "customers" : "portal_sessions";
      expect(count(db, `select count(*) as n from ${table} where id = ?`, s.response!.body.id), `${s.kind} ${s.key}`).toBe(1);
    }
    // Nothing half-written: each unit's rows are all there or none is.
    const customers = readDb<{ id: string }>(db, "select id from customers where email like 'crash%-%' and id <> ?", target);
    for (const c of customers) {
      expect(count(db, "select count(*) as n from audit_log where action = 'customer.created' and object_id = ?", c.id)).toBe(1);
    }
    // The search index holds exactly the customers that were committed.
    expectSearchIndexWhole(db);
    expect(searchCount(db, `-${run}@example.com`)).toBe(customers.length + 1);
    const sessions = readDb<{ id: string; kind: string }>(db, "select id, kind from portal_sessions where customer_id = ?", target);
    for (const ps of sessions) {
      const codes = ps.kind === "email" ? 1 : 0;
      expect(count(db, "select count(*) as n from sign_in_codes where portal_session_id = ?", ps.id)).toBe(codes);
      expect(count(db, "select count(*) as n from webhook_events where type = 'portal_session.created' and payload like ?", `%"${ps.id}"%`)).toBe(1);
    }
    expect(count(db, "select count(*) as n from mail_outbox where to_address = ?", `crash-target-${run}@example.com`)).toBe(
      sessions.filter((ps) => ps.kind === "email").length,
    );
    expect(count(db, "select count(*) as n from idempotency_records where key like ?", `crash-${run}-%`)).toBe(customers.length + sessions.length);

    // Every request retried with its key: a committed one replays its first answer, a cut-off one
    // executes now. Afterwards each create exists exactly once.
    const retry = apiClient(second.url, merchant.apiKey);
    const retried = await Promise.all(sent.map((s) => retry.post(path(s), s.body, { "Idempotency-Key": s.key })));
    retried.forEach((r, i) => {
      expect(r.status, sent[i].key).toBe(201);
      if (acknowledged.includes(sent[i])) {
        expect(r.headers.get("idempotent-replayed")).toBe("true");
        expect(r.body).toEqual(sent[i].response!.body);
      }
    });
    expect(count(db, "select count(*) as n from customers where email like 'crash%-%' and id <> ?", target)).toBe(N / 2);
    expect(searchCount(db, `-${run}@example.com`)).toBe(N / 2 + 1);
    expectSearchIndexWhole(db);
    expect(count(db, "select count(*) as n from portal_sessions where customer_id = ?", target)).toBe(N / 2);
  });
});

