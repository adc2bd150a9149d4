import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

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
