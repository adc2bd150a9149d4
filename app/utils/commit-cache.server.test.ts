import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCommitCache, requestsBegin } from "./commit-cache.server";

// A real SQLite file in WAL mode, as the app opens its own; a second connection stands for the
// PDF worker, a CLI or another process.
let dir: string;
let file: string;
let sqlite: Database.Database;
let other: Database.Database;

const open = (f: string) => {
  const db = new Database(f);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  return db;
};
const names = (db = sqlite) => (db.prepare("select name from people order by id").all() as { name: string }[]).map((r) => r.name).join(",");

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-commit-cache-"));
  file = path.join(dir, "cc.db");
  sqlite = open(file);
  sqlite.exec("create table people (id integer primary key, name text not null); insert into people (name) values ('ada'), ('bo');");
  other = open(file);
});
afterEach(() => {
  other.close();
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Lets the current event-loop turn end (the turn's data_version is forgotten in its check phase). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A cache of `names()` and how many times it was computed. */
function namesCache(options: Partial<Parameters<typeof createCommitCache<string>>[1]> = {}) {
  const cache = createCommitCache<string>(sqlite, { maxEntries: 8, ...options });
  let computed = 0;
  const read = (key = "names") =>
    cache.read(key, () => {
      computed++;
      return names();
    });
  return { cache, read, computed: () => computed };
}

describe("createCommitCache", () => {
  it("answers from the cache while nothing is written", () => {
    const { cache, read, computed } = namesCache();
    expect(read()).toBe("ada,bo");
    expect(read()).toBe("ada,bo");
    expect(read()).toBe("ada,bo");
    expect(computed()).toBe(1);
    expect(cache.stats).toMatchObject({ hits: 2, misses: 1, entries: 1 });
  });

  it("reads again after this connection's write, inside or outside a transaction, even one rolled back", () => {
    const { read, computed } = namesCache();
    read();
    sqlite.prepare("update people set name = 'ada lovelace' where id = 1").run();
    expect(read()).toBe("ada lovelace,bo");
    expect(computed()).toBe(2);

    sqlite.transaction(() => sqlite.prepare("insert into people (name) values ('cy')").run())();
    expect(read()).toBe("ada lovelace,bo,cy");
    expect(computed()).toBe(3);

    // A rolled-back write changed nothing, but the cache cannot know: it reads again.
    sqlite.exec("begin; delete from people where id = 2; rollback;");
    expect(read()).toBe("ada lovelace,bo,cy");
    expect(computed()).toBe(4);
    expect(read()).toBe("ada lovelace,bo,cy");
    expect(computed()).toBe(4);
  });

  it("reads again after another connection's commit, from the next event-loop turn on", async () => {
    const { read, computed } = namesCache();
    expect(read()).toBe("ada,bo");
    other.prepare("update people set name = 'bo peep' where id = 2").run();
    // The turn's data_version was read before that commit: within this turn the cache answers
    // from the database as it stood then (ADR 020).
    expect(read()).toBe("ada,bo");
    expect(computed()).toBe(1);
    await nextTurn();
    expect(read()).toBe("ada,bo peep");
    expect(computed()).toBe(2);
    // Another connection's open transaction is invisible, and so is its rollback.
    other.exec("begin immediate; update people set name = 'nobody'");
    await nextTurn();
    expect(read()).toBe("ada,bo peep");
    other.exec("rollback");
    await nextTurn();
    expect(read()).toBe("ada,bo peep");
    expect(computed()).toBe(2);
  });

  it("asks SQLite's data_version once a turn for every cache of the connection, and again the next turn", async () => {
    const a = namesCache();
    const b = createCommitCache<number>(sqlite, { maxEntries: 8 });
    const count = () => b.read("n", () => (sqlite.prepare("select count(*) from people").pluck().get() as number));
    await nextTurn();
    // Both caches fill in the same turn; another connection's commit then is seen by neither
    // until the turn ends, however many reads ask.
    expect(a.read()).toBe("ada,bo");
    expect(count()).toBe(2);
    other.prepare("insert into people (name) values ('cy')").run();
    for (let i = 0; i < 3; i++) {
      expect(a.read()).toBe("ada,bo");
      expect(count()).toBe(2);
    }
    // The next turn: a timer callback, like a request's I/O callback, sees it in both — even when
    // the version was read in a check phase (after `nextTurn`, as here) and the turn ran long
    // enough for the timer to be due before that phase comes round again (a loaded machine; made
    // certain here by waiting 5 ms without yielding once the timer is set).
    const timer = new Promise((resolve) => setTimeout(resolve, 1));
    const until = performance.now() + 5;
    while (performance.now() < until);
    await timer;
    expect(a.read()).toBe("ada,bo,cy");
    expect(count()).toBe(3);
    expect(a.computed()).toBe(2);
    // The connection's own write is seen at once, in the same turn (total_changes()).
    sqlite.prepare("delete from people where name = 'cy'").run();
    expect(a.read()).toBe("ada,bo");
    expect(count()).toBe(2);
  });

  it("reads data_version again at the turn's first request, whatever a timer read earlier in the same turn", async () => {
    const { read, computed } = namesCache();
    await nextTurn();
    // A timer callback fills the cache and reads the turn's version; then another connection commits…
    expect(read()).toBe("ada,bo");
    other.prepare("update people set name = 'bo peep' where id = 2").run();
    expect(read()).toBe("ada,bo");
    // …and a request that arrived after that commit begins in the same turn: it sees the commit.
    requestsBegin();
    expect(read()).toBe("ada,bo peep");
    expect(computed()).toBe(2);
    // Later requests of the same turn share the version read for the first.
    other.prepare("update people set name = 'ada l' where id = 1").run();
    requestsBegin();
    expect(read()).toBe("ada,bo peep");
    await nextTurn();
    requestsBegin();
    expect(read()).toBe("ada l,bo peep");
    expect(computed()).toBe(3);
  });

  it("does not keep a value computed after another connection's commit in the same turn", async () => {
    const { cache, read, computed } = namesCache();
    await nextTurn();
    // The turn's version is read before the other commit by an unrelated read…
    const first = namesCache();
    expect(first.read()).toBe("ada,bo");
    other.prepare("update people set name = 'ada l' where id = 1").run();
    // …so this computation, newer than that version, is returned but not kept under it: the keep
    // check asks SQLite afresh. The fresh answer is the turn's from then on.
    expect(read()).toBe("ada l,bo");
    expect(cache.stats.entries).toBe(0);
    expect(read()).toBe("ada l,bo");
    expect(computed()).toBe(2);
    expect(cache.stats.entries).toBe(1);
    expect(read()).toBe("ada l,bo");
    expect(computed()).toBe(2);
    // The earlier cache's entry predates the commit: emptied at its next read, in the same turn.
    expect(first.read()).toBe("ada l,bo");
    expect(first.computed()).toBe(2);
  });

  it("keeps nothing computed inside a transaction: its writes are not committed yet", () => {
    const { cache, read, computed } = namesCache();
    read();
    sqlite.exec("begin immediate");
    sqlite.prepare("update people set name = 'uncommitted' where id = 1").run();
    expect(read()).toBe("uncommitted,bo");
    expect(read()).toBe("uncommitted,bo");
    expect(computed()).toBe(3);
    sqlite.exec("rollback");
    expect(read()).toBe("ada,bo");
    expect(cache.stats.entries).toBe(1);
  });

  it("does not keep a value whose computation wrote (it may predate its own write)", () => {
    const cache = createCommitCache<string>(sqlite, { maxEntries: 8 });
    let computed = 0;
    const readAndWrite = () =>
      cache.read("k", () => {
        computed++;
        const before = names();
        sqlite.prepare("insert into people (name) values ('x')").run();
        return before;
      });
    readAndWrite();
    readAndWrite();
    expect(computed).toBe(2);
    expect(cache.stats.entries).toBe(0);
  });

  it("keeps values apart by key, least recently used out first, within maxEntries and maxBytes", () => {
    const { cache, read, computed } = namesCache({ maxEntries: 2 });
    read("a");
    read("b");
    read("a"); // a is now the most recent
    read("c"); // b goes
    expect(computed()).toBe(3);
    read("a");
    read("c");
    expect(computed()).toBe(3);
    read("b");
    expect(computed()).toBe(4);
    expect(cache.stats.entries).toBe(2);

    const bySize = namesCache({ maxEntries: 100, maxBytes: 10, sizeOf: (v) => v.length });
    bySize.read("a"); // 6 bytes
    bySize.read("b"); // 12 in all: a goes
    expect(bySize.cache.stats).toMatchObject({ entries: 1, bytes: 6 });
    bySize.read("b");
    bySize.read("a");
    expect(bySize.computed()).toBe(3);
  });

  it("keeps only what worthKeeping accepts, and freezes what it keeps", () => {
    const cache = createCommitCache<{ rows: string[] } | null>(sqlite, { maxEntries: 8, worthKeeping: (v) => v !== null });
    let computed = 0;
    const miss = () => cache.read("none", () => (computed++, null));
    miss();
    miss();
    expect(computed).toBe(2);
    const kept = cache.read("rows", () => ({ rows: names().split(",") }));
    expect(Object.isFrozen(kept) && Object.isFrozen(kept!.rows)).toBe(true);
    expect(() => kept!.rows.push("eve")).toThrow(TypeError);
    expect(cache.read("rows", () => ({ rows: [] }))).toBe(kept);
  });
});
