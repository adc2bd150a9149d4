import type Database from "better-sqlite3";
import { or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { customers } from "#db/schema/index";
import { shortSearchIndex, sqlite } from "~/utils/db.server";
import { createFtsMatchCheck } from "~/utils/fts-match-check.server";
import { runTimeValue } from "~/utils/prepared.server";
import { shortSearchMatch } from "~/utils/search-grams.server";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `value LIKE '%text%'`, `text` matched literally (its `%`, `_` and `\` escaped). The pattern is
 * bound as a run-time value (runTimeValue, ADR 017), so the statement is not compiled again for
 * each new pattern. Case folding is the caller's: fold both sides, or neither.
 */
export function likeContains(value: SQL | SQLiteColumn, text: string): SQL {
  return sql`${value} like ${runTimeValue(`%${escapeLike(text)}%`)} escape '\\'`;
}

/** Three or more characters (code points): what a trigram index can answer. */
const TRIGRAM = 3;

/** A phrase for FTS5 MATCH: the text as one quoted string (quotes doubled), never query syntax. */
export const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`;

/** Customer search's two indexes: trigrams (0007) for three characters or more, characters and pairs (0009) below. */
export type SearchIndexTable = "customers_fts" | "customers_grams";

/**
 * Which index answers `q`, and its MATCH expression: the trigram index for three characters or
 * more, the short-search index for one or two (app/utils/search-grams.server.ts), or null for a
 * search that folds to nothing (accents alone), left to the scan.
 */
export function searchIndexFor(q: string): { table: SearchIndexTable; match: string } | null {
  if ([...q].length >= TRIGRAM) return { table: "customers_fts", match: phrase(q) };
  const match = shortSearchMatch(q);
  return match ? { table: "customers_grams", match } : null;
}

/** Whether a search is answered by an index (and so can drive the list's query). */
export const searchUsesIndex = (q: string) => searchIndexFor(q) !== null;

/**
 * The matches of `q` that its index does not hold yet: the short-search index's queued customers
 * that `q` finds (a customer changed in this transaction, or by another connection, before the
 * app indexed it). None for the trigram index, which its triggers keep in step.
 */
export const unindexedMatches = (q: string, table: SearchIndexTable): number[] =>
  table === "customers_grams" ? shortSearchIndex.queuedMatches(q) : [];

/**
 * `q`: a substring of the name or email, or of the id, case- and accent-insensitive (Hangul and
 * kana included), or an exact external id. The one place the search predicate lives.
 *
 * Three characters or more go through `customers_fts` (FTS5, trigram tokenizer with diacritics
 * removed, kept in step by triggers); one or two through `customers_grams`, which holds each
 * customer's characters and pairs of characters (ADR 025). Either way a search costs an index
 * lookup at any number of customers. The predicate is one `seq in (…)` over the matches and the
 * exact external id (read through the merchant's unique index), a set of rowids the list reads by
 * primary key — an `or` of the two would make SQLite walk the merchant's customers and test each
 * one (36 ms at 100,000 customers against 1.5 ms). A search that folds to nothing (combining
 * accents alone) falls back to a case-folded LIKE, which scans the merchant's customers in the
 * list's order and stops at a page.
 *
 * For a term with many matches the list does not run this predicate as is: `searchPageSeqs`
 * (customer-list.server.ts, ADR 013) walks the matches in rowid order and reads only the page.
 * This is the usual plan it falls back to, and the reference its tests are held against.
 */
export function customerSearch(q: string, merchantId: string): SQL {
  const index = searchIndexFor(q);
  if (index) {
    const table = sql.identifier(index.table);
    const unindexed = unindexedMatches(q, index.table);
    const queued = unindexed.length > 0 ? sql` union all select value from json_each(${JSON.stringify(unindexed)})` : sql``;
    return sql`${customers.seq} in (select rowid from ${table} where ${table} match ${index.match}${queued} union all select seq from customers where merchant_id = ${merchantId} and external_id = ${q} and deleted_at is null and external_id is not null)`;
  }
  const folded = q.toLowerCase();
  return or(
    likeContains(sql`casefold(${customers.name})`, folded),
    likeContains(customers.emailNormalized, folded),
    likeContains(customers.id, q),
    sql`${customers.externalId} = ${q}`,
  )!;
}

/**
 * A long search's matches found from a rare piece of it (ADR 013, "a rare term"): every
 * customer, of any merchant, whose name, email or id contains `q` as customer search means it —
 * or null when no piece tried is rare, and the whole phrase has to be evaluated after all.
 *
 * FTS5 evaluates a phrase by walking every one of its trigrams' posting lists, so a rare
 * 15-character email is slow exactly because its trigrams are common ("min", "kim", "000"): 2.6
 * ms at 1,000,000 customers. A piece of it is a superset: whatever contains `q` contains each of
 * its pieces. A six-character piece's first matches cost 0.1–0.5 ms to ask for; when there are no
 * more than `limit` of them, each is checked against the whole phrase by FTS5 itself, in a
 * private in-memory table with the same tokenizer, so the answer is the index's own to the letter
 * (case and diacritics folded as it folds them).
 */
export function rareSearchMatches(q: string, limit: number): number[] | null {
  const chars = [...q];
  if (chars.length < RARE_MIN_LENGTH) return null;
  const tried = new Set<string>();
  for (const start of rarePieceStarts(chars.length, chars.lastIndexOf("@"))) {
    const piece = chars.slice(start, start + RARE_PIECE).join("");
    // A combining mark is folded away: the piece could fall under three characters, which
    // FTS5's trigram tokenizer matches with nothing (not a superset).
    if (tried.has(piece) || /\p{M}/u.test(piece)) continue;
    tried.add(piece);
    const { pieceMatches, check } = rare();
    const candidates = pieceMatches.all(phrase(piece), limit + 1) as unknown[][];
    if (candidates.length <= limit) return check(candidates, phrase(q));
  }
  return null;
}

/** Searches of at least this many characters (code points) try a rare piece first. */
const RARE_MIN_LENGTH = 9;
/** The piece's length: long enough to be rare, short enough to leave the whole search's cost. */
const RARE_PIECE = 6;
/** The most pieces a search tries before it evaluates its whole phrase. */
const RARE_MAX_PIECES = 6;

/**
 * Where a search's pieces start, in the order they are tried. First, when the search has an `@`
 * (at `at`) with six characters before it, the piece that ends there: an address's local part ends
 * in what tells customers apart ("sharma502593" in "olivia.sharma502593@example.com"), its domain
 * is shared by thousands. Then its end and its start (a customer number typed last, an id's random
 * head), then the pieces between, tiled back from the end. At most RARE_MAX_PIECES: a piece found
 * common costs its first `limit + 1` matches (0.1 ms each at 1,000,000 customers), a whole phrase
 * of common trigrams 14 ms and more.
 */
export function rarePieceStarts(length: number, at = -1): number[] {
  const last = length - RARE_PIECE;
  const starts: number[] = at >= RARE_PIECE ? [at - RARE_PIECE] : [];
  const add = (start: number) => {
    if (starts.length < RARE_MAX_PIECES && !starts.includes(start)) starts.push(start);
  };
  add(last);
  add(0);
  for (let start = last - RARE_PIECE; start > 0 && starts.length < RARE_MAX_PIECES; start -= RARE_PIECE) add(start);
  return starts;
}

/** Made on first use: a piece's first matches with their indexed columns, and the check against the whole phrase. */
let made: { pieceMatches: Database.Statement; check: ReturnType<typeof createFtsMatchCheck> } | undefined;
const rare = () =>
  (made ??= {
    // The indexed columns in the index's own order (name, email_normalized, id), after the rowid.
    pieceMatches: sqlite
      .prepare(
        "select customers.seq, customers.name, customers.email_normalized, customers.id from customers_fts join customers on customers.seq = customers_fts.rowid where customers_fts match ? order by customers_fts.rowid limit +?", // +?: see runTimeValue
      )
      .raw(true),
    check: createFtsMatchCheck(sqlite, "customers_fts"),
  });
