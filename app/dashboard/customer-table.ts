/**
 * What the customers table's page needs in the browser as well as on the server: its parameters'
 * allowed values and the query string of a state. Kept out of customer-table.server.ts, which
 * the classic compiler empties in the browser bundle (the page's links and selects are built from
 * these while it hydrates and after every client-side navigation).
 */

export const PAGE_SIZES = [25, 50, 100] as const;
export const SUBSCRIPTION_FILTERS = ["active", "past_due", "cancelling", "none"] as const;
export const SORTS = ["-created_at", "created_at", "name", "-name", "email", "-email"] as const;
export const DEFAULT_COLUMNS = ["name", "id", "email", "phone", "created_at"] as const;

export type TableState = {
  q: string;
  created_gte: string;
  created_lte: string;
  subscription: string;
  country: string;
  metadata: [string, string][];
  sort: string;
  limit: number;
};

/** The query string of a state (for links, saved views and the export), without the cursor. */
export function stateQuery(state: TableState, overrides: Partial<Record<string, string | null>> = {}): string {
  const out = new URLSearchParams();
  const set = (k: string, v: string | null | undefined) => {
    if (v) out.set(k, v);
  };
  set("q", state.q);
  set("created_gte", state.created_gte);
  set("created_lte", state.created_lte);
  set("subscription", state.subscription);
  set("country", state.country);
  for (const [k, v] of state.metadata) out.append(`metadata[${k}]`, v);
  if (state.sort !== "-created_at") set("sort", state.sort);
  if (state.limit !== 25) set("limit", String(state.limit));
  for (const [k, v] of Object.entries(overrides)) {
    out.delete(k);
    set(k, v ?? null);
  }
  return out.toString();
}
