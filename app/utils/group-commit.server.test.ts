import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchLostError, createGroupCommit, type BatchHook, type GroupCommit } from "./group-commit.server";

// A real SQLite file with the app's durability pragmas (db.server.ts opens the app's own file at
// import, so they are repeated here).
let dir: string;
let file: string;
let sqlite: Database.Database;
let gc: GroupCommit;

const open = (f: string) => {
  const db = new Database(f);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
};
const insert = (note: string) => sqlite.prepare("insert into notes (note) values (?)").run(note);
const notes = (db = sqlite) => (db.prepare("select note from notes order by id").all() as { note: string }[]).map((r) => r.note);
const settled = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-group-commit-"));
  file = path.join(dir, "gc.db");
  sqlite = open(file);
  sqlite.exec(`
    create table notes (id integer primary key, note text not null unique);
    create table parents (id integer primary key);
    create table children (id integer primary key, parent_id integer not null references parents (id) deferrable initially deferred);
  `);
  gc = createGroupCommit(sqlite);
});
afterEach(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("group commit", () => {
  it("runs the units queued in one turn in one IMMEDIATE transaction, one commit, in order", async () => {
    const seen: Array<{ i: number; inTransaction: boolean }> = [];
    const results = Array.from({ length: 100 }, (_, i) =>
      gc.run(() => {
        seen.push({ i, inTransaction: sqlite.inTransaction });
        insert(`n${i}`);
        return i;
      }),
    );
    expect(seen).toEqual([]); // nothing runs before the flush
    const resolvedOrder: number[] = [];
    await Promise.all(results.map((p) => p.then((i) => resolvedOrder.push(i))));
    expect(seen.map((s) => s.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seen.every((s) => s.inTransaction)).toBe(true);
    expect(resolvedOrder).toEqual(seen.map((s) => s.i));
    expect(gc.stats).toEqual({ commits: 1, committedJobs: 100, largestBatch: 100 });
    expect(notes()).toHaveLength(100);
  });

  it("settles a unit only once its write is committed: another connection already sees it", async () => {
    const other = open(file);
    try {
      const seenByOther = await gc.run(() => insert("durable")).then(() => notes(other));
      expect(seenByOther).toEqual(["durable"]);
    } finally {
      other.close();
    }
  });

  it("rolls back only the unit that throws; the others in its batch commit", async () => {
    const a = gc.run(() => insert("a"));
    const b = gc.run(() => {
      insert("b");
      throw new Error("b refused");
    });
    const c = gc.run(() => insert("c"));
    const d = gc.run(() => insert("a")); // a constraint error from SQLite itself
    const [ra, rb, rc, rd] = await Promise.all([a, b, c, d].map(settled));
    expect(ra.ok && rc.ok).toBe(true);
    expect(rb).toMatchObject({ ok: false, error: { message: "b refused" } });
    expect(rd).toMatchObject({ ok: false, error: { code: "SQLITE_CONSTRAINT_UNIQUE" } });
    expect(notes()).toEqual(["a", "c"]);
    expect(gc.stats.commits).toBe(1);
  });

  it("refuses a unit that returns a Promise and rolls back what it wrote before returning it", async () => {
    const good = gc.run(() => insert("good"));
    const bad = gc.run(async () => {
      insert("before the await");
    });
    await expect(bad).rejects.toThrow(/must be synchronous/);
    await good;
    expect(notes()).toEqual(["good"]);
  });

  it("rejects every unit of the batch when COMMIT fails, commits none, and the next batch works", async () => {
    const ok = gc.run(() => insert("innocent"));
    // A deferred foreign key is checked at COMMIT: the unit's savepoint releases, the COMMIT fails.
    const poison = gc.run(() => sqlite.prepare("insert into children (parent_id) values (42)").run());
    const [rOk, rPoison] = await Promise.all([settled(ok), settled(poison)]);
    expect(rOk).toMatchObject({ ok: false, error: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" } });
    expect(rPoison).toMatchObject({ ok: false, error: { code: "SQLITE_CONSTRAINT_FOREIGNKEY" } });
    expect(sqlite.inTransaction).toBe(false);
    expect(notes()).toEqual([]);
    expect(gc.stats.commits).toBe(0);
    await gc.run(() => insert("next"));
    expect(notes()).toEqual(["next"]);
  });

  it("runs its batch hooks once a batch, inside the transaction, around every unit", async () => {
    const log: string[] = [];
    const hooked = createGroupCommit(sqlite, {
      hooks: [
        {
          begin: () => (log.push(`begin ${sqlite.inTransaction}`), insert("from begin")),
          beforeCommit: () => (log.push(`beforeCommit ${sqlite.inTransaction}`), insert("from beforeCommit")),
        },
      ],
    });
    const units = ["a", "b", "c"].map((n) =>
      hooked.run(() => {
        log.push(n);
        insert(n);
        if (n === "b") throw new Error("b refused");
      }),
    );
    const results = await Promise.all(units.map(settled));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(log).toEqual(["begin true", "a", "b", "c", "beforeCommit true"]);
    expect(notes()).toEqual(["from begin", "a", "c", "from beforeCommit"]);
    expect(hooked.stats.commits).toBe(1);
  });

  it.each(["begin", "beforeCommit"] as const)("fails the whole batch when its %s hook throws, and the next batch works", async (which) => {
    let fail = true;
    const hook: BatchHook = { begin: () => {}, beforeCommit: () => {} };
    hook[which] = () => {
      insert(`hook ${which}`);
      if (fail) throw new Error(`${which} failed`);
    };
    const hooked = createGroupCommit(sqlite, { hooks: [hook] });
    const results = await Promise.all(["x", "y"].map((n) => settled(hooked.run(() => insert(n)))));
    expect(results).toEqual([
      { ok: false, error: expect.objectContaining({ message: `${which} failed` }) },
      { ok: false, error: expect.objectContaining({ message: `${which} failed` }) },
    ]);
    expect(sqlite.inTransaction).toBe(false);
    expect(notes()).toEqual([]);
    fail = false;
    await hooked.run(() => insert("next"));
    expect(notes()).toContain("next");
    expect(hooked.stats).toMatchObject({ commits: 1, committedJobs: 1 });
  });

  it("bounds a batch: the rest goes into the next transactions, still in order", async () => {
    const small = createGroupCommit(sqlite, { maxBatch: 4 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => small.run(() => (order.push(i), insert(`n${i}`)))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(small.stats).toEqual({ commits: 3, committedJobs: 10, largestBatch: 4 });
  });

  it("nests better-sqlite3's and Drizzle's transactions inside a unit as savepoints", async () => {
    const db = drizzle({ client: sqlite });
    await gc.run(() => {
      sqlite.transaction(() => insert("bs3"))();
      db.transaction((tx) => tx.run(sql`insert into notes (note) values ('drizzle')`), { behavior: "immediate" });
      // An inner transaction that throws rolls back itself only; the unit carries on.
      expect(() =>
        db.transaction(
          (tx) => {
            tx.run(sql`insert into notes (note) values ('inner')`);
            throw new Error("inner refused");
          },
          { behavior: "immediate" },
        ),
      ).toThrow("inner refused");
      insert("after");
    });
    expect(notes()).toEqual(["bs3", "drizzle", "after"]);
    expect(gc.stats.commits).toBe(1);
  });

  it("runs a unit queued from inside a unit at once, and it shares that unit's fate", async () => {
    let inner: Promise<string> | undefined;
    let failedInner: Promise<string> | undefined;
    const outer = gc.run(() => {
      inner = gc.run(() => (insert("inner"), "inner done"));
      return "outer done";
    });
    const doomed = gc.run(() => {
      failedInner = gc.run(() => (insert("doomed inner"), "never"));
      throw new Error("outer refused");
    });
    expect(await outer).toBe("outer done");
    expect(await inner).toBe("inner done");
    await expect(doomed).rejects.toThrow("outer refused");
    await expect(failedInner).rejects.toThrow("outer refused");
    expect(notes()).toEqual(["inner"]);
    expect(gc.stats.commits).toBe(1);
  });

  it("refuses to be called inside a transaction it does not own", async () => {
    let queued: Promise<unknown> | undefined;
    sqlite.transaction(() => {
      queued = gc.run(() => insert("elsewhere"));
    })();
    await expect(queued).rejects.toThrow(/inside a transaction it does not own/);
    expect(notes()).toEqual([]);
  });

  it("rejects the batch's units when SQLite rolls the transaction back under them, and runs the rest next", async () => {
    const first = gc.run(() => insert("first"));
    // ROLLBACK inside a unit stands for SQLite ending the transaction itself (SQLITE_FULL, an I/O error).
    const breaker = gc.run(() => {
      sqlite.exec("ROLLBACK");
      throw new Error("disk full");
    });
    const later = gc.run(() => insert("later"));
    const [rFirst, rBreaker, rLater] = await Promise.all([first, breaker, later].map(settled));
    expect(rFirst).toMatchObject({ ok: false });
    expect(rFirst.ok === false && rFirst.error).toBeInstanceOf(BatchLostError);
    expect(rBreaker).toMatchObject({ ok: false, error: { message: "disk full" } });
    expect(rLater.ok).toBe(true);
    expect(notes()).toEqual(["later"]);
  });

  it("keeps a batch's savepoint journal in memory, not in a temp file, and only for the batch", async () => {
    // SQLite names its temp files etilqs_* and unlinks them at once; an open one is still in /proc.
    const tempFiles = () =>
      fs.readdirSync("/proc/self/fd").flatMap((fd) => {
        try {
          return [fs.readlinkSync(`/proc/self/fd/${fd}`)];
        } catch {
          return [];
        }
      }).filter((target) => target.includes("etilqs_"));
    sqlite.exec("create table pages (id integer primary key, body text not null)");
    const fill = sqlite.prepare("insert into pages (body) values (?)");
    sqlite.transaction(() => {
      for (let i = 0; i < 500; i++) fill.run("x".repeat(1000));
    })();
    const before = sqlite.pragma("temp_store", { simple: true });
    let during: unknown;
    let filesDuring: string[] = [];
    // Rewriting ≈ 130 pages that existed before the unit: far past the 64 KiB SQLite keeps in
    // memory before it spills a savepoint's journal to a file on the connection's own setting.
    const rewrite = gc.run(() => {
      during = sqlite.pragma("temp_store", { simple: true });
      sqlite.prepare("update pages set body = ?").run("y".repeat(1000));
      filesDuring = tempFiles();
      throw new Error("rolled back");
    });
    const kept = gc.run(() => insert("kept"));
    await expect(rewrite).rejects.toThrow("rolled back");
    await kept;
    expect(during).toBe(2); // MEMORY
    expect(filesDuring).toEqual([]);
    expect(sqlite.pragma("temp_store", { simple: true })).toBe(before);
    expect(sqlite.prepare("select count(*) from pages where body like 'x%'").pluck().get()).toBe(500);
    expect(notes()).toEqual(["kept"]);
  });
});
