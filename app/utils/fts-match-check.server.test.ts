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

  it.each([
    ["bare", "name, email, content=people, content_rowid=seq, tokenize='trigram remove_diacritics 1'"],
    ["double-quoted, first", `content="people", name, email, content_rowid="seq", tokenize='trigram remove_diacritics 1'`],
    ["spaced, with other options", "name, email, prefix='2', content = 'people' , detail=full, content_rowid = 'seq', tokenize='trigram remove_diacritics 1'"],
    ["already contentless", "name, email, content='', tokenize='trigram remove_diacritics 1'"],
  ])("reads a definition with its content options written %s", (_how, options) => {
    const name = `people_fts_${Math.random().toString(36).slice(2, 8)}`;
    source.exec(`create virtual table ${name} using fts5(${options})`);
    const check = createFtsMatchCheck(source, name);
    expect(check(rows, '"müller"')).toEqual([1, 2, 3]);
    expect(check(rows, '"iller"')).toEqual([4]);
    expect(check(rows.slice(1), '"example.com"')).toEqual([2, 3, 4]);
  });

  it("refuses a table that does not exist", () => {
    expect(() => createFtsMatchCheck(source, "nothing_fts")).toThrow(/does not exist/);
  });
});
