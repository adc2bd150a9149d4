import { or, sql, type SQL } from "drizzle-orm";
import { customers } from "#db/schema/index";

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Three or more characters (code points): what a trigram index can answer. */
const TRIGRAM = 3;

/** A phrase for FTS5 MATCH: the text as one quoted string (quotes doubled), never query syntax. */
export const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`;

/** Whether a search is answered by the trigram index (and so can drive the list's query). */
export const searchUsesIndex = (q: string) => [...q].length >= TRIGRAM;

/**
 * `q`: a substring of the name or email, or of the id, case- and accent-insensitive (Hangul and
 * kana included), or an exact external id. The one place the search predicate lives.
 *
 * Three characters or more go through `customers_fts` (FTS5, trigram tokenizer with diacritics
 * removed, kept in step by triggers), so a search costs an index lookup at any number of
 * customers. The predicate is one `seq in (…)` over the matches and the exact external id (read
 * through the merchant's unique index), a set of rowids the list reads by primary key — an `or`
 * of the two would make SQLite walk the merchant's customers and test each one (36 ms at 100,000
 * customers against 1.5 ms). Shorter text cannot be answered by trigrams: it falls back to a
 * case-folded LIKE, which scans the merchant's customers in the list's order and stops at a page.
 *
 * For a term with many matches the list does not run this predicate as is: `searchPageSeqs`
 * (customer-list.server.ts, ADR 013) walks the matches in rowid order and reads only the page.
 * This is the usual plan it falls back to, and the reference its tests are held against.
 */
export function customerSearch(q: string, merchantId: string): SQL {
  if (searchUsesIndex(q)) {
    return sql`${customers.seq} in (select rowid from customers_fts where customers_fts match ${phrase(q)} union all select seq from customers where merchant_id = ${merchantId} and external_id = ${q} and deleted_at is null and external_id is not null)`;
  }
  const folded = `%${escapeLike(q.toLowerCase())}%`;
  const exact = `%${escapeLike(q)}%`;
  return or(
    sql`casefold(${customers.name}) like ${folded} escape '\\'`,
    sql`${customers.emailNormalized} like ${folded} escape '\\'`,
    sql`${customers.id} like ${exact} escape '\\'`,
    sql`${customers.externalId} = ${q}`,
  )!;
}
