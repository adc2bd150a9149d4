import { keptAnswers } from "~/utils/kept";

// Dates are stored UTC and shown UTC, formatted on the server in the page's language (so the
// browser never re-formats them differently during hydration). One formatter per locale.
const formatter = keptAnswers(100, (locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }));

/** `{ iso, text }` for the Time component; both null for a missing date. */
export function when(date: Date | null | undefined, locale: string) {
  return date ? { iso: date.toISOString(), text: `${formatter(locale).format(date)} UTC` } : { iso: null, text: null };
}
