import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createFtsMatchCheck } from "./fts-match-check.server";

// The check's private table is the source table's definition without its external content: it
// must match rows exactly as the source index does, tokenizer options included.
describe("createFtsMatchCheck", () => {
  const source = new Database(":memory:");
  source.exec(`
    create table people (seq integer primary key, name text, email text);
    create virtual table people_fts using fts5(name, email, content='people', content_rowid='seq', tokenize='trigram remove_diacritics 1');
  `);
  const rows: [number, string, string][] = [
    [1, "Jörg Müller", "jm@example.com"],
    [2, "Mu\u0308ller-Lu\u0308denscheidt", "ml@example.com"],
    [3, "Muller", "MULLER@EXAMPLE.COM"],
    [4, "Miller", "mi@example.com"],
  ];
  const insert = source.prepare("insert into people (seq, name, email) values (?, ?, ?)");
  for (const r of rows) insert.run(...r);
  source.exec("insert into people_fts (people_fts) values ('rebuild')");
  const check = createFtsMatchCheck(source, "people_fts");

  it.each(['"müller"', '"MULLER"', '"ller-lu"', '"example.com"', '"iller"', '"nobody"'])("matches %s as the source index does", (query) => {
    const indexed = source.prepare("select rowid from people_fts where people_fts match ? order by rowid").pluck().all(query);
    expect(check(rows, query)).toEqual(indexed);
  });

  it("holds nothing between checks", () => {
    expect(check(rows.slice(0, 1), '"jörg"')).toEqual([1]);
    expect(check([], '"jörg"')).toEqual([]);
  });

  it("refuses a table that does not exist", () => {
    expect(() => createFtsMatchCheck(source, "nothing_fts")).toThrow(/does not exist/);
  });
});
