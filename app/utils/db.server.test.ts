import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { databaseMigratedUpTo, tempDbFile, useOwnDatabase } from "../../test/setup/own-database";

// writeTransaction on the app's own database file: IMMEDIATE, all or nothing, nested calls as
// savepoints, a Promise refused.
useOwnDatabase("db");

let m: typeof import("./db.server");
const notes = () => (m.sqlite.prepare("select note from tx_notes order by id").all() as { note: string }[]).map((r) => r.note);
const add = (note: string) => m.sqlite.prepare("insert into tx_notes (note) values (?)").run(note);

beforeAll(async () => {
  m = await import("./db.server");
  m.sqlite.exec("create table tx_notes (id integer primary key, note text not null)");
});

describe("writeTransaction", () => {
  it("commits what the callback wrote and returns its result", () => {
    expect(m.writeTransaction(() => (add("a"), add("b"), 42))).toBe(42);
    expect(notes()).toEqual(["a", "b"]);
    expect(m.sqlite.inTransaction).toBe(false);
  });

  it("takes the write lock up front: another connection cannot write inside it", () => {
    const other = new Database(process.env.DATABASE_PATH!);
    other.pragma("busy_timeout = 0");
    try {
      m.writeTransaction(() => {
        expect(m.sqlite.inTransaction).toBe(true);
        // Nothing written yet, and still the lock is held (BEGIN IMMEDIATE, not DEFERRED).
        expect(() => other.prepare("insert into tx_notes (note) values ('other')").run()).toThrow(/locked|busy/i);
      });
      other.prepare("insert into tx_notes (note) values ('other')").run();
    } finally {
      other.close();
    }
    expect(notes()).toEqual(["a", "b", "other"]);
  });

  it("rolls everything back when the callback throws", () => {
    expect(() =>
      m.writeTransaction(() => {
        add("lost");
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(notes()).toEqual(["a", "b", "other"]);
  });

  it("runs a nested call as a savepoint: a failure caught inside rolls back only the nested part", () => {
    m.writeTransaction(() => {
      add("outer");
      expect(() =>
        m.writeTransaction(() => {
          add("inner lost");
          throw new Error("inner");
        }),
      ).toThrow("inner");
      m.writeTransaction(() => add("inner kept"));
    });
    expect(notes()).toEqual(["a", "b", "other", "outer", "inner kept"]);
  });

  it("refuses a Promise and keeps nothing of it", () => {
    expect(() =>
      m.writeTransaction(() => {
        add("async");
        return Promise.resolve(1);
      }),
    ).toThrow("writeTransaction callbacks must be synchronous");
    expect(notes()).toEqual(["a", "b", "other", "outer", "inner kept"]);
    expect(m.sqlite.inTransaction).toBe(false);
  });
});

describe("openDatabase and foreign keys", () => {
  // A customer of a merchant that does not exist, written by a connection with foreign keys off
  // (the sqlite3 shell's default).
  const addOrphan = (file: string) => {
    const other = new Database(file);
    try {
      other.pragma("foreign_keys = OFF");
      other
        .prepare(
          "insert into customers (id, merchant_id, email, email_normalized, name, billing_address, metadata, created_at, updated_at) values ('cus_orphan', 'mer_gone', null, null, 'Orphan', '{}', '{}', 1, 1)",
        )
        .run();
    } finally {
      other.close();
    }
  };

  it("refuses to start when the migrations it ran leave a row breaking a foreign key", () => {
    const file = databaseMigratedUpTo("fk-after-migrating", 8);
    addOrphan(file);
    expect(() => m.openDatabase(file)).toThrow("Refusing to start: 1 rows break a foreign key after migrating");
  });

  it("does not read every table when no migration ran, and writes with foreign keys on", () => {
    const file = tempDbFile("fk-no-migration");
    m.openDatabase(file).sqlite.close();
    addOrphan(file);
    const { sqlite } = m.openDatabase(file);
    try {
      expect(sqlite.prepare("select name from customers where id = 'cus_orphan'").pluck().get()).toBe("Orphan");
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(() =>
        sqlite
          .prepare(
            "insert into customers (id, merchant_id, email, email_normalized, name, billing_address, metadata, created_at, updated_at) values ('cus_orphan2', 'mer_gone', null, null, 'Orphan', '{}', '{}', 1, 1)",
          )
          .run(),
      ).toThrow(/FOREIGN KEY constraint failed/);
    } finally {
      sqlite.close();
    }
  });
});
