import { or, sql, type SQL } from "drizzle-orm";
import { customers } from "#db/schema/index";

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Three or more characters (code points): what a trigram index can answer. */
const TRIGRAM = 3;

/** A phrase for FTS5 MATCH: the text as one quoted string (quotes doubled), never query syntax. */
const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`;

/**
 * `q`: a substring of the name or email, or of the id, case- and accent-insensitive (Hangul and
 * kana included), or an exact external id. The one place the search predicate lives.
 *
 * Three characters or more go through `customers_fts` (migration 0006: FTS5, trigram tokenizer
 * with diacritics removed, kept in step by triggers), so a search costs an index lookup at any
 * number of customers. Shorter text cannot be answered by trigrams: it falls back to a
 * case-folded LIKE, which scans the merchant's customers in the list's order and stops at a page.
 */
export function customerSearch(q: string): SQL {
  const exactExternalId = sql`${customers.externalId} = ${q}`;
  if ([...q].length >= TRIGRAM) {
    return or(sql`${customers.seq} in (select rowid from customers_fts where customers_fts match ${phrase(q)})`, exactExternalId)!;
  }
  const folded = `%${escapeLike(q.toLowerCase())}%`;
  const exact = `%${escapeLike(q)}%`;
  return or(
    sql`casefold(${customers.name}) like ${folded} escape '\\'`,
    sql`${customers.emailNormalized} like ${folded} escape '\\'`,
    sql`${customers.id} like ${exact} escape '\\'`,
    exactExternalId,
  )!;
}
