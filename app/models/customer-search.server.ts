import { or, sql, type SQL } from "drizzle-orm";
import { customers } from "#db/schema/index";

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `q`: a substring of the name (Unicode case folding), the email or the id. The one place the
 * search predicate lives, so a search index can replace it without touching the list query.
 * It scans the merchant's customers in the list's order and stops at a full page.
 */
export function customerSearch(q: string): SQL {
  const folded = `%${escapeLike(q.toLowerCase())}%`;
  const exact = `%${escapeLike(q)}%`;
  return or(
    sql`casefold(${customers.name}) like ${folded} escape '\\'`,
    sql`${customers.emailNormalized} like ${folded} escape '\\'`,
    sql`${customers.id} like ${exact} escape '\\'`,
  )!;
}
