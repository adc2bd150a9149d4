import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { compactFtsIndex, ftsSegmentCount, ftsTables } from "./fts-compact.server";

// An index written a few rows a transaction, as the app writes it, is left in many segments;
// compaction leaves one and changes no answer (ADR 027).
describe("compactFtsIndex", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portico-fts-compact-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function fragmented(name: string) {
    const db = new Database(path.join(dir, `${name}.db`));
    db.pragma("journal_mode = WAL");
    db.exec(`
      create table people (seq integer primary key, name text, email text);
      create virtual table people_fts using fts5(name, email, content='people', content_rowid='seq', tokenize='trigram remove_diacritics 1');
      create trigger people_ai after insert on people begin insert into people_fts (rowid, name, email) values (new.seq, new.name, new.email); end;
      create virtual table people_words using fts5(text, content='', detail='none', contentless_delete=1);
      create table plain (x);
    `);
    const names = ["Jörg Müller", "Mu\u0308ller-Lu\u0308denscheidt", "Ana Muller", "Kim Min-ji", "김민지", "Olivia Sharma"];
    const add = db.prepare("insert into people (name, email) values (?, ?)");
    const word = db.prepare("insert into people_words (rowid, text) values (?, ?)");
    // Three rows a transaction: one new segment each, merged only as FTS5's automerge sees fit.
    for (let t = 0; t < 60; t++) {
      db.transaction(() => {
        for (let i = 0; i < 3; i++) {
          const n = t * 3 + i;
          const { lastInsertRowid } = add.run(`${names[n % names.length]} ${n}`, `person${n}@example.com`);
          word.run(lastInsertRowid, `w${n % 7} common`);
        }
      })();
    }
    return db;
  }

  const queries = ['"müller"', '"MULLER"', '"김민지"', '"person1"', '"example.com"', '"nobody"', '"sharma 5"'];
  const answers = (db: Database.Database) => ({
    trigram: queries.map((q) => db.prepare("select rowid from people_fts where people_fts match ? order by rowid").pluck().all(q)),
    words: ["w3", "common", "w9"].map((q) => db.prepare("select rowid from people_words where people_words match ? order by rowid").pluck().all(q)),
  });

  it("merges every segment into one, in steps of the given size, and every search answers as before", () => {
    const db = fragmented("steps");
    const before = answers(db);
    expect(ftsSegmentCount(db, "people_fts")).toBeGreaterThan(4);
    const r = compactFtsIndex(db, "people_fts", { pagesPerStep: 1 });
    expect(r.segmentsBefore).toBeGreaterThan(4);
    expect(r.segmentsAfter).toBe(1);
    expect(r.steps).toBeGreaterThan(2); // a page a step: the merge could not be done in one
    expect(r.capped).toBe(false);
    expect(ftsSegmentCount(db, "people_fts")).toBe(1);
    const contentless = compactFtsIndex(db, "people_words");
    expect(contentless.segmentsBefore).toBeGreaterThan(1);
    expect(contentless.segmentsAfter).toBe(1);
    expect(answers(db)).toEqual(before);
    // FTS5's own consistency check of the index against the table it indexes.
    expect(() => db.exec("insert into people_fts (people_fts, rank) values ('integrity-check', 1)")).not.toThrow();
    expect(() => db.exec("insert into people_words (people_words) values ('integrity-check')")).not.toThrow();
    // A second run finds nothing to do.
    expect(compactFtsIndex(db, "people_fts")).toMatchObject({ segmentsBefore: 1, segmentsAfter: 1, steps: 1 });
    db.close();
  });

  it("holds the write lock one step at a time: another connection writes between steps", () => {
    const db = fragmented("beside");
    const other = new Database(path.join(dir, "beside.db"));
    other.pragma("busy_timeout = 0"); // SQLITE_BUSY at once if the compaction held the lock
    const add = other.prepare("insert into people (name, email) values (?, ?)");
    let written = 0;
    const r = compactFtsIndex(db, "people_fts", {
      pagesPerStep: 1,
      afterStep: (step) => {
        add.run(`Zoë Müller ${step}`, `zoe${step}@example.com`);
        written++;
      },
    });
    expect(written).toBe(r.steps - 1);
    expect(written).toBeGreaterThan(1);
    // A new segment every step, more than a page a step can merge: it stops at its budget (twice
    // the index's size) rather than rewrite the index forever.
    expect(r.capped).toBe(true);
    // The rows written meanwhile are indexed, and found.
    expect(db.prepare(`select count(*) from people_fts where people_fts match '"zoe m"'`).pluck().get()).toBe(written);
    other.close();
    db.close();
  });

  it("lists the database's FTS5 tables and nothing else", () => {
    const db = fragmented("list");
    expect(ftsTables(db)).toEqual(["people_fts", "people_words"]);
    db.close();
  });
});
