/**
 * The pages each commit wrote, by b-tree: reads a copy of a database and its `-wal` (taken while a
 * server wrote to them), groups the WAL's frames into commits (a commit's last frame records the
 * database's size) and names each frame's page from the `dbstat` table of the same copy.
 * Prints the commits found and, over the last LAST (20) of them, the pages a commit wrote, each
 * b-tree's share ("name:leaf" or "name:internal"). With `<start>` (a copy of the same WAL's first
 * bytes and its size when the measurement began: `<size> <file>`), only the commits after that
 * point count. For `anatomy.sh`; ADR 024's fourth addendum.
 * usage: node --import tsx test/bench/pair/wal-pages.ts <copy of the database> [<size> <header copy>]
 *   (the database's -wal beside it)
 */
import fs from "node:fs";
import Database from "better-sqlite3";

const [file, startSize, startHeader] = process.argv.slice(2);
if (!file || !fs.existsSync(`${file}-wal`)) {
  process.stderr.write("usage: wal-pages.ts <database> [<size> <header copy>] (with its -wal beside it)\n");
  process.exit(2);
}
const wal = fs.readFileSync(`${file}-wal`);
// Where the measurement began: the WAL's size then, if the log has not been reset since (a reset
// after a checkpoint writes new salts, and every frame with them is newer than the start).
let from = 32;
if (startHeader && fs.existsSync(startHeader)) {
  const before = fs.readFileSync(startHeader);
  if (before.length >= 24 && wal.length >= 24 && before.readUInt32BE(16) === wal.readUInt32BE(16) && before.readUInt32BE(20) === wal.readUInt32BE(20)) {
    from = Math.max(32, Number(startSize));
  }
}
const commits: number[][] = [];
if (wal.length >= 32) {
  // WAL header: page size at byte 8, the salts at 16 and 20; each frame: a 24-byte header (page
  // number, the database size after a commit or 0, the salts) and the page.
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let pages: number[] = [];
  const frame = 24 + pageSize;
  // The first whole frame at or after `from` (frames start at 32, one every `frame` bytes).
  for (let at = 32 + Math.ceil((from - 32) / frame) * frame; at + frame <= wal.length; at += frame) {
    // Frames left from before the last reset of the WAL carry the old salts: the log ends there.
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) {
      commits.push(pages);
      pages = [];
    }
  }
}
// Read from the middle of the log, the first commit may have begun before the start: left out.
if (from > 32) commits.shift();
const last = commits.slice(-Number(process.env.LAST ?? 20));
if (last.length === 0) {
  console.log("no commit in the WAL since the measurement began");
  process.exit(0);
}
// Opening the copy replays its WAL, so pages the commits added are named too.
const db = new Database(file);
const owner = new Map<number, string>();
for (const row of db.prepare("select name, pageno, pagetype from dbstat").all() as { name: string; pageno: number; pagetype: string }[]) {
  owner.set(row.pageno, `${row.name}:${row.pagetype}`);
}
db.close();
const byTree = new Map<string, number>();
for (const pages of last) {
  for (const page of pages) {
    const name = owner.get(page) ?? "(not in a b-tree now: freed since)";
    byTree.set(name, (byTree.get(name) ?? 0) + 1);
  }
}
const total = last.reduce((sum, pages) => sum + pages.length, 0);
console.log(`${commits.length} commits in the WAL since the measurement began; the last ${last.length}: ${(total / last.length).toFixed(1)} pages a commit`);
for (const [name, count] of [...byTree].sort((a, b) => b[1] - a[1])) console.log(`${(count / last.length).toFixed(1).padStart(6)}  ${name}`);
