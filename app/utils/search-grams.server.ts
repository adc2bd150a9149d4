import type Database from "better-sqlite3";

/**
 * Customer search's index for one- and two-character searches (migration 0009, ADR 025).
 *
 * The trigram index (customers_fts) cannot answer fewer than three characters, and the scan that
 * used to (a case-folded LIKE over the merchant's customers, newest first) stops at a full page,
 * so a pair that matches few customers read every one of them: 1,041 ms at 1,000,000 customers,
 * with the event loop held. `customers_grams` holds each customer's distinct characters and
 * pairs of adjacent characters of its name, email and id, folded as below; a short search is
 * one token of it, so it costs an index lookup at any table size.
 *
 * The grams are computed here, not in SQL, so the index triggers only queue a changed customer
 * (`customers_grams_pending`, plain SQL that the sqlite3 shell can run too) and the app indexes
 * the queue inside its own write transactions (`shortSearchQueue`); a search also checks the
 * customers still queued, so what it finds never depends on when that happened.
 *
 * A gram is written as the hex of its UTF-8 bytes, so FTS5's `ascii` tokenizer keeps it whole
 * (a pair such as "@g" or "n " would otherwise be split or dropped) and no text ever reaches
 * FTS5's query syntax. UTF-8 decodes one way only, so a character's token never equals a pair's.
 */

/**
 * Search folding: lower case, Latin/Greek/Cyrillic accents removed (combining marks U+0300–U+036F
 * after canonical decomposition), then recomposed — Hangul syllables and kana with their voicing
 * marks come back whole, as the trigram index's `remove_diacritics 1` leaves them.
 */
export function foldForSearch(text: string): string {
  const lower = text.toLowerCase();
  // ASCII has nothing to decompose: most emails and ids, and many names, skip the normalizing.
  if (ASCII.test(lower)) return lower;
  return lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
}
const ASCII = /^[\x00-\x7f]*$/;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** A code point's UTF-8 bytes in hex, as Buffer.from(char).toString("hex") writes them, without a Buffer per gram. */
function hexOf(cp: number): string {
  if (cp < 0x80) return HEX[cp];
  if (cp < 0x800) return HEX[0xc0 | (cp >> 6)] + HEX[0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return HEX[0xe0 | (cp >> 12)] + HEX[0x80 | ((cp >> 6) & 0x3f)] + HEX[0x80 | (cp & 0x3f)];
  return HEX[0xf0 | (cp >> 18)] + HEX[0x80 | ((cp >> 12) & 0x3f)] + HEX[0x80 | ((cp >> 6) & 0x3f)] + HEX[0x80 | (cp & 0x3f)];
}

/** One column's characters and adjacent pairs (pairs never span two columns). */
function addGrams(into: Set<string>, value: unknown) {
  if (typeof value !== "string") return;
  const folded = foldForSearch(value);
  let previous = "";
  for (const char of folded) {
    const hex = hexOf(char.codePointAt(0)!);
    into.add(hex);
    if (previous) into.add(previous + hex);
    previous = hex;
  }
}

/**
 * The SQL function `search_grams(name, email_normalized, id)`: what `customers_grams` indexes for
 * one customer, as space-separated tokens. Registered on the app's connections (db.server.ts):
 * the queue's indexing statement calls it.
 */
export function searchGrams(name: unknown, email: unknown, id: unknown): string {
  const grams = new Set<string>();
  addGrams(grams, name);
  addGrams(grams, email);
  addGrams(grams, id);
  return [...grams].join(" ");
}

/**
 * The MATCH expression of a one- or two-character search, or null when `q` folded is not one or
 * two characters (three or more go to the trigram index; a search of accents alone folds to
 * nothing).
 */
export function shortSearchMatch(q: string): string | null {
  const folded = [...foldForSearch(q)];
  if (folded.length < 1 || folded.length > 2) return null;
  return `"${folded.map((char) => hexOf(char.codePointAt(0)!)).join("")}"`;
}

/** Whether a customer's text holds `folded` (a short search, folded) as the index finds it. */
const holds = (folded: string, ...values: unknown[]) => values.some((v) => typeof v === "string" && foldForSearch(v).includes(folded));

/**
 * The queue of customers whose grams are not indexed yet (`customers_grams_pending`, migration
 * 0009): a customer created, renamed or given a new email, by the app or by anyone else, lands
 * there with its old grams already gone. Statements are prepared on first use (the page thread's
 * read-only connection never writes).
 */
export function shortSearchQueue(sqlite: Database.Database) {
  let made:
    | { any: Database.Statement; index: Database.Statement; clear: Database.Statement; queued: Database.Statement }
    | undefined;
  const statements = () =>
    (made ??= {
      any: sqlite.prepare("SELECT 1 FROM customers_grams_pending LIMIT 1").pluck(),
      index: sqlite.prepare(
        "INSERT INTO customers_grams (rowid, grams) SELECT c.seq, search_grams(c.name, c.email_normalized, c.id) FROM customers_grams_pending p JOIN customers c ON c.seq = p.seq ORDER BY c.seq",
      ),
      clear: sqlite.prepare("DELETE FROM customers_grams_pending"),
      queued: sqlite.prepare("SELECT c.seq, c.name, c.email_normalized, c.id FROM customers_grams_pending p JOIN customers c ON c.seq = p.seq").raw(true),
    });
  return {
    /** Indexes every queued customer with its values now and empties the queue: inside a write transaction. */
    drain(): number {
      const s = statements();
      if (!s.any.get()) return 0;
      const indexed = s.index.run().changes;
      s.clear.run();
      return indexed;
    },
    /** The queued customers (of any merchant, deleted ones too) that the short search `q` finds. */
    queuedMatches(q: string): number[] {
      const folded = foldForSearch(q);
      const rows = statements().queued.all() as [number, unknown, unknown, unknown][];
      return rows.filter(([, name, email, id]) => holds(folded, name, email, id)).map(([seq]) => seq);
    },
  };
}
export type ShortSearchQueue = ReturnType<typeof shortSearchQueue>;
