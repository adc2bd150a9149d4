import { stringify } from "csv-stringify/sync";
import { customerOptionalColumns, type Customer, type CustomerOptionalColumn } from "#db/schema/index";
import { defaultCustomerSort, type CustomerFilter, type CustomerQuery, type CustomerSort } from "~/models/customer-list.server";
import { customerSummaries, type CustomerSummary } from "~/models/customer-summary.server";
import { formatMoney, toMajorUnitString } from "~/billing/currency";
import { DateBoundSchema } from "~/utils/fields";
import { DEFAULT_COLUMNS, PAGE_SIZES, SORTS, SUBSCRIPTION_FILTERS, type TableState } from "./customer-table";
import type { FieldErrors } from "./forms.server";

/**
 * The customers table (DASHBOARD.md "Customers"): the URL is the whole state. Its parameters
 * become the domain's typed customer query (the same one the API's list runs), so the table,
 * the CSV export and the API agree on what matches.
 */

export { DEFAULT_COLUMNS, PAGE_SIZES, SORTS, stateQuery, SUBSCRIPTION_FILTERS, type TableState } from "./customer-table";

const parseSort = (value: string): CustomerSort | null => {
  if (!(SORTS as readonly string[]).includes(value)) return null;
  const desc = value.startsWith("-");
  return { key: (desc ? value.slice(1) : value) as CustomerSort["key"], direction: desc ? "desc" : "asc" };
};

/** The table's parameters, checked: what is wrong is an inline message and is not applied. */
export function parseTableQuery(url: URL): { state: TableState; query: Omit<CustomerQuery, "limit" | "after">; limit: number; after: string | null; errors: FieldErrors | null } {
  const p = url.searchParams;
  const errors: FieldErrors = {};
  const state: TableState = {
    q: (p.get("q") ?? "").trim().slice(0, 200),
    created_gte: p.get("created_gte") ?? "",
    created_lte: p.get("created_lte") ?? "",
    subscription: p.get("subscription") ?? "",
    country: (p.get("country") ?? "").trim().toUpperCase(),
    metadata: [...p.entries()].flatMap(([k, v]) => {
      const m = /^metadata\[(.{1,40})\]$/.exec(k);
      return m ? [[m[1], v] as [string, string]] : [];
    }),
    sort: p.get("sort") ?? "-created_at",
    limit: Number(p.get("limit") ?? 25),
  };
  const filters: CustomerFilter[] = [];
  for (const [name, bound] of [["created_gte", "lower"], ["created_lte", "upper"]] as const) {
    if (!state[name]) continue;
    const parsed = DateBoundSchema(bound).safeParse(state[name]);
    if (parsed.success) filters.push({ field: "created_at", op: name === "created_gte" ? "gte" : "lte", value: parsed.data });
    else errors[name] = { key: "dash.fieldRules.date" };
  }
  if (state.subscription) {
    if ((SUBSCRIPTION_FILTERS as readonly string[]).includes(state.subscription)) filters.push({ field: "subscription", value: state.subscription as (typeof SUBSCRIPTION_FILTERS)[number] });
    else errors.subscription = { key: "dash.validation.invalid" };
  }
  if (state.country) {
    if (/^[A-Z]{2}$/.test(state.country)) filters.push({ field: "country", op: "eq", value: state.country });
    else errors.country = { key: "dash.fieldRules.country" };
  }
  for (const [key, value] of state.metadata) filters.push({ field: "metadata", key, value });
  const sort = parseSort(state.sort);
  if (!sort) {
    errors.sort = { key: "dash.validation.invalid" };
    state.sort = "-created_at";
  }
  if (!(PAGE_SIZES as readonly number[]).includes(state.limit)) {
    if (p.has("limit")) errors.limit = { key: "dash.customers.pageSizeInvalid" };
    state.limit = 25;
  }
  return {
    state,
    query: { filters, q: state.q || undefined, sort: sort ?? defaultCustomerSort },
    limit: state.limit,
    after: p.get("after") || null,
    errors: Object.keys(errors).length > 0 ? errors : null,
  };
}

export type TableColumn = (typeof DEFAULT_COLUMNS)[number] | CustomerOptionalColumn;

export const visibleColumns = (optional: CustomerOptionalColumn[]): TableColumn[] => [...DEFAULT_COLUMNS, ...customerOptionalColumns.filter((c) => optional.includes(c))];

const needsSummary = (columns: TableColumn[]) => columns.some((c) => c === "active_subscriptions" || c === "wallet_balances" || c === "lifetime_revenue");

const moneyList = (byCurrency: Record<string, number>, locale: string) =>
  Object.entries(byCurrency)
    .map(([currency, amount]) => formatMoney(amount, currency, locale))
    .join(", ");

/** A page's cells, formatted for the page's language (money) and in UTC (dates). */
export function tableCells(rows: Customer[], columns: TableColumn[], merchantId: string, locale: string) {
  const summaries = needsSummary(columns) ? customerSummaries({ merchantId, customerIds: rows.map((r) => r.id) }) : new Map<string, CustomerSummary>();
  return rows.map((c) => {
    const s = summaries.get(c.id);
    const cell = (col: TableColumn): string => {
      switch (col) {
        case "name":
          return c.name ?? "";
        case "id":
          return c.id;
        case "email":
          return c.email ?? "";
        case "phone":
          return c.phoneNumber ?? "";
        case "created_at":
          return `${c.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
        case "external_id":
          return c.externalId ?? "";
        case "country":
          return c.billingAddress?.country ?? "";
        case "active_subscriptions":
          return String(s?.activeSubscriptions ?? 0);
        case "wallet_balances":
          return s ? moneyList(s.walletBalances, locale) : "";
        case "lifetime_revenue":
          return s ? moneyList(s.lifetimeRevenue, locale) : "";
      }
    };
    return { id: c.id, email: c.email, cells: Object.fromEntries(columns.map((col) => [col, cell(col)])) as Record<TableColumn, string> };
  });
}

// ---- CSV

/** A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading `'` (OWASP). */
export const neutralizeFormula = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** CSV cells are plain: money as a decimal in major units with its currency, dates ISO 8601 UTC. */
export function csvRows(rows: Customer[], columns: TableColumn[], merchantId: string): string[][] {
  const summaries = needsSummary(columns) ? customerSummaries({ merchantId, customerIds: rows.map((r) => r.id) }) : new Map<string, CustomerSummary>();
  const plainMoney = (byCurrency: Record<string, number> | undefined) =>
    Object.entries(byCurrency ?? {})
      .map(([currency, amount]) => `${toMajorUnitString(amount, currency)} ${currency}`)
      .join("; ");
  return rows.map((c) => {
    const s = summaries.get(c.id);
    return columns.map((col) => {
      const value =
        col === "name" ? (c.name ?? "")
        : col === "id" ? c.id
        : col === "email" ? (c.email ?? "")
        : col === "phone" ? (c.phoneNumber ?? "")
        : col === "created_at" ? c.createdAt.toISOString()
        : col === "external_id" ? (c.externalId ?? "")
        : col === "country" ? (c.billingAddress?.country ?? "")
        : col === "active_subscriptions" ? String(s?.activeSubscriptions ?? 0)
        : col === "wallet_balances" ? plainMoney(s?.walletBalances)
        : plainMoney(s?.lifetimeRevenue);
      return neutralizeFormula(value);
    });
  });
}

/** RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break. */
export const csvChunk = (records: string[][]) => stringify(records, { record_delimiter: "windows", quoted_match: /[\r\n",]/ });
