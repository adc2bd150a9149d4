import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ftsSegmentCount } from "~/utils/fts-compact.server";
import { apiClient } from "../setup/api";
import { createMerchant, ROOT, runCli, runCliAsync, startServer, tempDbFile, type TestServer } from "../setup/server";

describe("start-up checks", () => {
  it("refuses to start when the SQLite pragmas do not read back (an in-memory database has no WAL)", async () => {
    await expect(startServer({ env: { DATABASE_PATH: ":memory:" } })).rejects.toThrow(/Refusing to start: SQLite pragmas.*journal_mode=memory/);
  });

  it("refuses to start in production without PUBLIC_URL and PORTAL_SIGNING_KEYS", async () => {
    await expect(
      startServer({ env: { NODE_ENV: "production", PUBLIC_URL: "", PORTAL_SIGNING_KEYS: "" } }),
    ).rejects.toThrow(/Refusing to start in production: PUBLIC_URL and PORTAL_SIGNING_KEYS must be set/);
  });

  it("opens the database with WAL, synchronous=FULL, foreign keys and a busy timeout", async () => {
    const server = await startServer();
    await server.stop();
    const db = new Database(server.dbFile, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["customers", "payments", "portal_sessions", "mail_outbox", "webhook_events", "idempotency_records", "audit_log", "__drizzle_migrations"]));
    db.close();
  });
});

describe("db:backup", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("writes a consistent online backup while the app keeps writing", async () => {
    const api = apiClient(server.url, createMerchant(server.dbFile, "Backup Co").apiKey);
    for (let i = 0; i < 20; i++) await api.post("/customers", { email: `b${i}@example.com` });
    const writes = Promise.all(Array.from({ length: 30 }, (_, i) => api.post("/customers", { email: `during${i}@example.com` })));
    const target = path.join(path.dirname(server.dbFile), "backups", "copy.db");
    const out = runCli("db-backup", [target], server.dbFile);
    await writes;
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(target);
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    const count = (copy.prepare("select count(*) as n from customers").get() as { n: number }).n;
    expect(count).toBeGreaterThanOrEqual(20);
    copy.close();
    expect(fs.readdirSync(path.dirname(target)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("fails with a non-zero exit and leaves no partial file when the target cannot be written", () => {
    const target = path.join(path.dirname(server.dbFile), "missing-dir-file", "x.db");
    fs.writeFileSync(path.dirname(target), "a file where a directory should be");
    const out = runCli("db-backup", [target], server.dbFile);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain("backup failed");
    expect(fs.existsSync(target)).toBe(false);
  });

  it("fails clearly when there is no database", () => {
    const out = runCli("db-backup", [path.join(ROOT, ".cache", "never.db")], tempDbFile("absent"));
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain("No database");
  });
});

describe("db:optimize", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const segments = (dbFile: string) => {
    const db = new Database(dbFile, { readonly: true });
    const result = { trigram: ftsSegmentCount(db, "customers_fts"), short: ftsSegmentCount(db, "customers_grams") };
    db.close();
    return result;
  };

  it("compacts the search indexes beside the running app, and every search finds what it found before", async () => {
    const api = apiClient(server.url, createMerchant(server.dbFile, "Optimize Co").apiKey);
    const names = ["Jörg Müller", "Ana Muller", "김민지", "Olivia Sharma", "Zoë Lee", "민지 Park"];
    // One request at a time: each is its own group commit, and leaves the indexes a segment.
    for (let i = 0; i < 36; i++) {
      const created = await api.post("/customers", { email: `opt${i}@example.com`, name: `${names[i % names.length]} ${i}` });
      expect(created.status).toBe(201);
    }
    const before = segments(server.dbFile);
    expect(before.trigram).toBeGreaterThan(1);
    expect(before.short).toBeGreaterThan(1);
    // A Latin search matches ids too, and the customers written below get random ones: each
    // short Latin search here has a space or an "@", which no id has ("zoe" alone matched a new
    // customer's "…VzOE7L" in one run).
    const searches = ["müller", "MULLER", "민지", "김", "지", "sharma 1", "opt3@", "zoe lee", "nobody"];
    const ids = async () => {
      const found: Record<string, string[]> = {};
      for (const q of searches) {
        const page = await api.get<{ data: { id: string }[] }>(`/customers?limit=100&q=${encodeURIComponent(q)}`);
        expect(page.status).toBe(200);
        found[q] = page.body.data.map((c) => c.id);
      }
      return found;
    };
    const found = await ids();
    expect(found["müller"].length).toBe(12);
    expect(found["민지"].length).toBe(12);
    expect(found["zoe lee"].length).toBe(6);

    // The command runs while the app keeps writing customers (and merging its own segments),
    // from its start to its end, a page a step so that its steps and the writes interleave.
    let done = false;
    const run = runCliAsync("db-optimize", ["--pages", "1"], server.dbFile).finally(() => (done = true));
    const writes: number[] = [];
    while (!done || writes.length < 3) {
      const i = writes.length;
      writes.push((await api.post("/customers", { email: `during.q${i}@example.net`, name: `During Quux ${i}` })).status);
    }
    const out = await run;
    expect(writes).toEqual(Array(writes.length).fill(201));
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^customers_fts: \d+ segments? → \d+ in [0-9.]+ s \(\d+ steps?, the longest \d+ ms\)/m);
    expect(out.stdout).toMatch(/^customers_grams: \d+ segments? → \d+ in /m);

    // The writes made during the run may have added a segment since: a second run leaves one.
    expect(runCli("db-optimize", ["--pages", "8"], server.dbFile).status).toBe(0);
    expect(segments(server.dbFile)).toEqual({ trigram: 1, short: 1 });
    const after = await ids();
    // Every search finds what it found, and the customers made during the run are found too.
    expect(after).toEqual(found);
    expect((await api.get<{ data: unknown[] }>("/customers?limit=100&q=quux")).body.data).toHaveLength(Math.min(writes.length, 100));
    const db = new Database(server.dbFile);
    expect(() => db.exec("insert into customers_fts (customers_fts, rank) values ('integrity-check', 1)")).not.toThrow();
    db.close();
  });

  it("refuses a page count that is not a whole number, and a missing database", () => {
    const bad = runCli("db-optimize", ["--pages", "0"], server.dbFile);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--pages must be a whole number from 1 to 100000");
    const missing = runCli("db-optimize", [], tempDbFile("absent"));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("No database");
  });
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request after SIGTERM, refuses new connections, then exits 0", async () => {
    const server = await startServer();
    const { apiKey } = createMerchant(server.dbFile, "Shutdown Co");
    const body = JSON.stringify({ email: "inflight@example.com", name: "In Flight" });
    // "close" rather than "exit": the last log lines have been read by then.
    const exit = new Promise<number | null>((resolve) => server.process.on("close", (code) => resolve(code)));
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${server.url}/api/v1/customers`,
        {
          method: "POST",
          // The server answers 100 Continue once it has taken the request in: from then on the
          // request is in flight, and its body is sent only after the shutdown has begun.
          headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), Expect: "100-continue" },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.on("continue", () => {
        server.process.kill("SIGTERM");
        server
          .waitForLog("of the shutdown starting", (l) => l.includes('"msg":"shutting down"'))
          // The listener is closed in the same step that logs this: a new connection is refused.
          .then(() => fetch(`${server.url}/healthz`).then(
            () => reject(new Error("a new connection was accepted during shutdown")),
            () => req.end(body),
          ))
          .catch(reject);
      });
      req.flushHeaders();
    });
    const result = await response;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.body)).toMatchObject({ object: "customer", email: "inflight@example.com" });
    expect(await exit).toBe(0);
    expect(server.logs.join("\n")).toContain('"msg":"stopped"');
    // The write was committed before the database closed.
    const db = new Database(server.dbFile, { readonly: true });
    expect(db.prepare("select count(*) as n from customers where email = 'inflight@example.com'").get()).toEqual({ n: 1 });
    db.close();
  });
});

describe("demo seed", () => {
  it("seeds a new database once, prints a working API key and curl example, and never seeds again", async () => {
    const first = await startServer({ env: { SEED_DEMO: "true" } });
    let dbFile: string;
    try {
      const printed = first.logs.join("\n");
      const key = /API key:\s+(sk_test_[0-9A-Za-z]+)/.exec(printed)?.[1];
      expect(key).toBeTruthy();
      expect(printed).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/api\/v1\/customers/);
      const api = apiClient(first.url, key!);
      const list = await api.get("/customers?limit=100");
      expect(list.status).toBe(200);
      expect(list.body.data.length).toBeGreaterThanOrEqual(25);
      const names = list.body.data.map((c: { name: string }) => c.name).join(" ");
      expect(names).toMatch(/[가-힣]/); // Korean
      expect(names).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/); // Japanese
      expect(names).toMatch(/[À-ž]/); // Latin with accents
      dbFile = first.dbFile;
    } finally {
      await first.stop();
    }
    const second = await startServer({ dbFile: dbFile!, env: { SEED_DEMO: "true" } });
    try {
      const db = new Database(dbFile!, { readonly: true });
      expect(db.prepare("select count(*) as n from merchants").get()).toEqual({ n: 1 });
      db.close();
      expect(second.logs.join("\n")).not.toContain("seeded demo data");
    } finally {
      await second.stop();
    }
  });

  it("does not seed when SEED_DEMO=false", async () => {
    const server = await startServer({ env: { SEED_DEMO: "false" } });
    await server.stop();
    const db = new Database(server.dbFile, { readonly: true });
    expect(db.prepare("select count(*) as n from merchants").get()).toEqual({ n: 0 });
    db.close();
  });
});

describe("unexpected failures in production", () => {
  it("answers a generic 500 with a request id and no SQL or stack, and logs the cause", async () => {
    const server = await startServer({ env: { NODE_ENV: "production" } });
    try {
      const { apiKey } = createMerchant(server.dbFile, "Broken Co");
      // Break the database under the running server: every customer write now fails in SQL.
      const db = new Database(server.dbFile);
      db.exec("DROP TABLE audit_log");
      db.close();
      const res = await apiClient(server.url, apiKey).post("/customers", { email: "boom@example.com" });
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ type: "api_error", code: "internal_error" });
      const requestId = res.headers.get("x-request-id")!;
      expect(res.body.error.message).toContain(requestId);
      expect(JSON.stringify(res.body)).not.toMatch(/audit_log|sqlite|insert|at .*\.js/i);
      // The log line of the cause names the request id; wait until the server has written it.
      await server.waitForLog("of the failure's cause", (l) => l.includes(requestId) && l.includes("audit_log"));
      // Nothing half-written: the customer row rolled back with the failed audit insert.
      const check = new Database(server.dbFile, { readonly: true });
      expect(check.prepare("select count(*) as n from customers").get()).toEqual({ n: 0 });
      check.close();
    } finally {
      await server.stop();
    }
  });
});
