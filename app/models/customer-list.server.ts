import type Database from "better-sqlite3";
import { and, eq, fillPlaceholders, isNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import { SQLiteSyncDialect, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import {
  customers,
  type Customer,
  type customerDateOperators,
  type customerSortKeys,
  type customerStringFields,
  type customerStringOperators,
} from "#db/schema/index";
import { now } from "~/utils/clock.server";
import { createCommitCache } from "~/utils/commit-cache.server";
import { db, sqlite } from "~/utils/db.server";
import { customerJson, customerJsonFields, type CustomerJsonRow } from "./customers.server";
import { invalidField } from "./errors.server";
import type { Page } from "./pagination.server";
import { customerSearch, likeContains, rareSearchMatches, searchIndexFor, searchUsesIndex, unindexedMatches, type SearchIndexTable } from "./customer-search.server";
import { runTimeValue } from "~/utils/prepared.server";

/**
 * The customer list as a typed query: filters with operators, metadata, search, a sort and a
 * keyset cursor. The API parses its query string into one (`field[op]=value`), the dashboard its
 * own parameters; both get the same rows.
 */

export type CustomerStringField = (typeof customerStringFields)[number];
type StringOperator = (typeof customerStringOperators)[number];

export type CustomerFilter =
  | { field: CustomerStringField; op: Exclude<StringOperator, "in" | "nin">; value: string }
  | { field: CustomerStringField; op: Extract<StringOperator, "in" | "nin">; values: string[] }
  | { field: "created_at"; op: (typeof customerDateOperators)[number]; value: Date }
  /** One metadata entry: `key` set to `value`, or just present when `value` is null. */
  | { field: "metadata"; key: string; value: string | null }
  /**
   * The dashboard's subscription filter (DASHBOARD.md): `active` has an active or trialing
   * subscription (a pending cancellation included), `past_due`, `cancelling` has a pending
   * cancellation, `none` has no live subscription. Read through subscriptions_customer_idx.
   */
  | { field: "subscription"; value: "active" | "past_due" | "cancelling" | "none" };

export type CustomerSortKey = (typeof customerSortKeys)[number];
export type CustomerSort = { key: CustomerSortKey; direction: "asc" | "desc" };
export const defaultCustomerSort: CustomerSort = { key: "created_at", direction: "desc" };

export type CustomerQuery = {
  filters?: CustomerFilter[];
  q?: string;
  sort?: CustomerSort;
  /** Where the page starts: after a customer (the API's starting_after), or after an earlier page's `nextCursor`. */
  after?: { id: string } | { cursor: string };
  limit: number;
  /** Only customers that existed when a long read began (the CSV export's fixed set). */
  upToSeq?: number;
};

export type CustomerPage = Page<Customer> & { nextCursor: string | null };

/** `-name` ⇄ { key: "name", direction: "desc" }. */
export const sortParam = (sort: CustomerSort) => `${sort.direction === "desc" ? "-" : ""}${sort.key}`;

// Each sort reads one index, (merchant, key, created_at, seq), forwards or backwards: ties are
// broken by creation order in the sort's own direction, so the whole order is one index walk.
const sortColumn: Record<CustomerSortKey, SQLiteColumn | null> = {
  created_at: null,
  name: customers.sortName,
  email: customers.sortEmail,
};

/** Emails are stored lower-cased beside the original; countries upper-case. */
const stringColumn: Record<CustomerStringField, { column: SQLiteColumn; normalize: (v: string) => string }> = {
  email: { column: customers.emailNormalized, normalize: (v) => v.toLowerCase() },
  name: { column: customers.name, normalize: (v) => v },
  external_id: { column: customers.externalId, normalize: (v) => v },
  country: { column: customers.billingCountry, normalize: (v) => v.toUpperCase() },
};

/**
 * An equality (or IN) on a unique key pins the result to a few rows: read them through that
 * unique index and sort them, rather than walk the sort index of every customer. Without table
 * statistics SQLite's planner prefers the walk (it avoids a sort step) once an IN lists three or
 * more values; a unary `+` on the other columns takes their indexes out of its choice.
 */
const pinsRows = (f: CustomerFilter) => (f.field === "email" || f.field === "external_id") && (f.op === "eq" || f.op === "in");

type Col = (column: SQLiteColumn) => SQL;

function subscriptionPredicate(value: Extract<CustomerFilter, { field: "subscription" }>["value"]): SQL {
  const t = now().getTime();
  // A pending cancellation whose period has ended is cancelled, even before a write settles it.
  const live = sql`s.status <> 'cancelled' and not (s.cancel_at_period_end = 1 and s.current_period_end <= ${t})`;
  const has = (cond: SQL) => sql`exists (select 1 from subscriptions s where s.customer_id = ${customers.id} and ${live} and ${cond})`;
  switch (value) {
    case "active":
      return has(sql`s.status in ('active', 'trialing')`);
    case "past_due":
      return has(sql`s.status = 'past_due'`);
    case "cancelling":
      return has(sql`s.cancel_at_period_end = 1`);
    case "none":
      return sql`not ${has(sql`1`)}`;
  }
}

function filterPredicate(f: CustomerFilter, col: Col): SQL {
  if (f.field === "subscription") return subscriptionPredicate(f.value);
  if (f.field === "created_at") return sql`${col(customers.createdAt)} ${f.op === "gte" ? sql`>=` : sql`<=`} ${f.value.getTime()}`;
  if (f.field === "metadata") {
    return f.value === null
      ? sql`exists (select 1 from json_each(${customers.metadata}) where key = ${f.key})`
      : sql`exists (select 1 from json_each(${customers.metadata}) where key = ${f.key} and value = ${f.value})`;
  }
  const { column, normalize } = stringColumn[f.field];
  switch (f.op) {
    case "eq": {
      const value = normalize(f.value);
      // Exact, and through the name sort index (its key is lower(name)) rather than a scan.
      return f.field === "name" ? sql`(${column} = ${value} and ${customers.sortName} = lower(${value}))` : sql`${column} = ${value}`;
    }
    // "Not equal" includes customers without the field at all.
    case "ne":
      return sql`${column} is not ${normalize(f.value)}`;
    case "like":
      return likeContains(sql`casefold(${column})`, f.value.toLowerCase());
    case "in":
      // `is not null` lets SQLite use the partial unique index on external_id.
      return sql`(${column} is not null and ${column} in (${sql.join(f.values.map((v) => sql`${normalize(v)}`), sql`, `)}))`;
    case "nin":
      return sql`(${column} is null or ${column} not in (${sql.join(f.values.map((v) => sql`${normalize(v)}`), sql`, `)}))`;
  }
}

type Position = { key: string | null; createdAt: number; seq: number };

const encodeCursor = (sort: CustomerSort, p: Position) =>
  Buffer.from(JSON.stringify([sortParam(sort), p.key, p.createdAt, p.seq])).toString("base64url");

function decodeCursor(sort: CustomerSort, cursor: string): Position {
  try {
    const [s, key, createdAt, seq] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (s === sortParam(sort) && (key === null || typeof key === "string") && Number.isSafeInteger(createdAt) && Number.isSafeInteger(seq)) {
      return { key, createdAt: createdAt as number, seq: seq as number };
    }
  } catch {
    /* answered below */
  }
  throw invalidField("cursor", "This cursor belongs to another list or sort order.");
}

function positionOf(sort: CustomerSort, c: Pick<Customer, "sortName" | "sortEmail" | "createdAt" | "seq">): Position {
  const key = sort.key === "name" ? c.sortName : sort.key === "email" ? c.sortEmail : null;
  return { key: key ?? null, createdAt: c.createdAt.getTime(), seq: c.seq };
}

// Prepared once: the cursor of every `starting_after` page.
const cursorCustomer = db
  .select({ sortName: customers.sortName, sortEmail: customers.sortEmail, createdAt: customers.createdAt, seq: customers.seq })
  .from(customers)
  .where(and(eq(customers.id, sql.placeholder("id")), eq(customers.merchantId, sql.placeholder("merchantId")), isNull(customers.deletedAt)))
  .prepare();

/** The cursor customer must be a live customer of this merchant (not necessarily a match). */
function positionAfter(merchantId: string, sort: CustomerSort, after: NonNullable<CustomerQuery["after"]>): Position {
  if ("cursor" in after) return decodeCursor(sort, after.cursor);
  const row = cursorCustomer.get({ id: after.id, merchantId });
  if (!row) throw invalidField("starting_after", `No such object: '${after.id}'`, "resource_missing");
  return positionOf(sort, row);
}

type Bound<T> = T | Placeholder;

/** The where, order and limit of a page, its values bound now or (placeholders) when a prepared statement runs. */
function pageClauses(opts: {
  merchantId: Bound<string>;
  sort: CustomerSort;
  filters: CustomerFilter[];
  q?: string;
  upToSeq?: number;
  position: { key: Bound<string>; createdAt: Bound<number>; seq: Bound<number> } | null;
  limit: Bound<number>;
  /** The page's rows, already chosen (a search's, by `searchPageSeqs`), as a JSON array of seqs: read by primary key. */
  seqs?: Bound<string>;
}) {
  const { merchantId, sort, filters, q, position } = opts;
  const keyColumn = sortColumn[sort.key];
  // Rows pinned by a unique key, or a search's matches, are read by key and then sorted: the
  // unary `+` keeps SQLite from walking the merchant's sort index instead. A search's matches
  // are rowids, so even the merchant's own columns step aside for the primary key.
  const searchDrives = (!!q && searchUsesIndex(q)) || !!opts.seqs;
  const col: Col = searchDrives || filters.some(pinsRows) ? (c) => sql`+${c}` : (c) => sql`${c}`;
  const owner: Col = searchDrives ? col : (c) => sql`${c}`;
  const order = sort.direction === "desc" ? sql`desc` : sql`asc`;
  const cmp = sort.direction === "desc" ? sql`<` : sql`>`;
  let after: SQL | undefined;
  if (position) {
    after = keyColumn
      ? sql`(${col(keyColumn)}, ${col(customers.createdAt)}, ${col(customers.seq)}) ${cmp} (${position.key}, ${position.createdAt}, ${position.seq})`
      : sql`(${col(customers.createdAt)}, ${col(customers.seq)}) ${cmp} (${position.createdAt}, ${position.seq})`;
  }
  const where = and(
    sql`${owner(customers.merchantId)} = ${merchantId}`,
    sql`${owner(customers.deletedAt)} is null`,
    ...filters.map((f) => filterPredicate(f, col)),
    q ? customerSearch(q, merchantId as string) : undefined,
    opts.upToSeq !== undefined ? sql`${customers.seq} <= ${opts.upToSeq}` : undefined,
    opts.seqs !== undefined ? sql`${customers.seq} in (select value from json_each(${opts.seqs}))` : undefined,
    after,
  );
  const orderBy = [...(keyColumn ? [keyColumn] : []), customers.createdAt, customers.seq].map((c) => sql`${col(c)} ${order}`);
  return { where, orderBy, limit: opts.limit };
}

type Clauses = ReturnType<typeof pageClauses>;

// What a page of the API's list reads: each customer's JSON (customerJsonFields) and its position.
const jsonPageFields = { ...customerJsonFields, sortName: customers.sortName, sortEmail: customers.sortEmail, seq: customers.seq };
type JsonPageRow = CustomerJsonRow & { sortName: string | null; sortEmail: string | null; seq: number };

const rowSelect = (c: Clauses) => db.select().from(customers).where(c.where).orderBy(...c.orderBy).limit(c.limit);
const jsonSelect = (c: Clauses) => db.select(jsonPageFields).from(customers).where(c.where).orderBy(...c.orderBy).limit(c.limit);

/** The clauses of one page of `query`, bound (the cursor customer read now). */
function queryClauses(merchantId: string, query: CustomerQuery) {
  const sort = query.sort ?? defaultCustomerSort;
  const p = query.after ? positionAfter(merchantId, sort, query.after) : null;
  return pageClauses({
    merchantId,
    sort,
    filters: query.filters ?? [],
    q: query.q,
    upToSeq: query.upToSeq,
    position: p && { key: p.key ?? "", createdAt: p.createdAt, seq: p.seq },
    limit: query.limit + 1,
  });
}

/** The statement behind a page (exported for EXPLAIN QUERY PLAN in the tests and the bench). */
export function customerListStatement({ merchantId, query }: { merchantId: string; query: CustomerQuery }) {
  return rowSelect(queryClauses(merchantId, query));
}

// The plain list (no filter, no search: the API's own paging) is one of six sorts, from the start
// or after a cursor, and a search's page is one of six sorts over chosen rows: prepared once each,
// so such a page builds and prepares no SQL.
type PlainKind = "first" | "after" | "seqs";
function preparedPlainPages<T>(build: (c: Clauses) => { prepare(): T }) {
  const statements = new Map<string, T>();
  return (sort: CustomerSort, kind: PlainKind) => {
    const key = `${sortParam(sort)} ${kind}`;
    let statement = statements.get(key);
    if (!statement) {
      const position = kind === "after" ? { key: sql.placeholder("key"), createdAt: sql.placeholder("createdAt"), seq: sql.placeholder("seq") } : null;
      const seqs = kind === "seqs" ? sql.placeholder("seqs") : undefined;
      statement = build(pageClauses({ merchantId: sql.placeholder("merchantId"), sort, filters: [], position, limit: sql.placeholder("limit"), seqs })).prepare();
      statements.set(key, statement);
    }
    return statement;
  };
}
const plainRowPage = preparedPlainPages(rowSelect);
const plainJsonPage = preparedPlainPages(jsonSelect);

/** The first look at a search's matches: a term with fewer is read whole, by key. */
const SEARCH_FIRST_BATCH = 64;
/** Newest first, how many matches beyond the page the walk's first look reads (deleted customers, other merchants'). */
const SEARCH_LOOK_MARGIN = 8;
/** The most matches a search walks in rowid order before it reads them all and sorts instead. */
const SEARCH_WALK_CAP = 4096;

type Candidate = { seq: number; createdAt: number };
type CandidateRow = [seq: number, createdAt: number, ok: number | null];

// A search's statements are Drizzle SQL compiled once into a prepared statement whose
// placeholders are filled on each run: for a search without filters they are kept per sort, so a
// search builds no SQL (building it cost a third of a frequent term's page).
const dialect = new SQLiteSyncDialect({ casing: "snake_case" });
const ph = (name: string) => sql.placeholder(name);
type Compiled = { statement: Database.Statement; params: unknown[] };
function compile(query: SQL): Compiled {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return { statement: sqlite.prepare(text).raw(true), params };
}
const run = <T>(c: Compiled, values: Record<string, unknown>) => c.statement.all(...fillPlaceholders(c.params, values)) as T[];
const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};

/**
 * A search's statements for one `ok` predicate (the page's merchant, live rows, filters and
 * cursor): the exact external id, the walk over FTS5 matches in rowid order (each with its
 * created_at and whether it is `ok`), and the proof that no unwalked customer ranks on the page.
 */
function searchStatements(ok: SQL, desc: boolean, withPosition: boolean, table: SearchIndexTable) {
  const index = sql.identifier(table);
  const walk = (direction: "asc" | "desc", from: boolean) =>
    once(() =>
      compile(
        sql`select ${index}.rowid, ${customers.createdAt}, (${ok}) from ${index} left join ${customers} on ${customers.seq} = ${index}.rowid where ${index} match ${ph("match")}${
          from ? (direction === "desc" ? sql` and ${index}.rowid < ${ph("bound")}` : sql` and ${index}.rowid > ${ph("bound")}`) : sql``
        } order by ${index}.rowid ${direction === "desc" ? sql`desc` : sql`asc`} limit ${runTimeValue(ph("n"))}`,
      ),
    );
  const [beyond, before] = desc ? [sql`>`, sql`<`] : [sql`<`, sql`>`];
  const pair = sql`(${customers.createdAt}, ${customers.seq})`;
  return {
    exact: once(() =>
      compile(
        sql`select ${customers.seq}, ${customers.createdAt}, (${ok}) from ${customers} where ${customers.merchantId} = ${ph("merchantId")} and ${customers.externalId} = ${ph("q")} and ${customers.deletedAt} is null and ${customers.externalId} is not null`,
      ),
    ),
    probe: walk("asc", false),
    // The same rows as the probe, for matches already known (a rare piece's, verified).
    probeSeqs: once(() =>
      compile(
        sql`select ${customers.seq}, ${customers.createdAt}, (${ok}) from ${customers} where ${customers.seq} in (select value from json_each(${ph("seqs")})) order by ${customers.seq}`,
      ),
    ),
    walkFirst: walk(desc ? "desc" : "asc", false),
    walkFrom: walk(desc ? "desc" : "asc", true),
    // A customer of the merchant between the cursor and the page's last candidate, with a rowid
    // the walk has not reached (deleted ones too: the proof may only be too cautious).
    unseen: once(() =>
      compile(
        sql`select 1 from ${customers} where ${customers.merchantId} = ${ph("merchantId")} and ${pair} ${beyond} (${ph("lastCreatedAt")}, ${ph("lastSeq")})${
          withPosition ? sql` and ${pair} ${before} (${ph("createdAt")}, ${ph("seq")})` : sql``
        } and ${customers.seq} ${before} ${ph("bound")} limit 1`,
      ),
    ),
  };
}
type SearchStatements = ReturnType<typeof searchStatements>;

// A customer of the merchant marked out of order (migration 0011) with a seq in [from, to]: read
// from customers_out_of_order_idx, which holds the marked customers only.
const markedBetween = once(() =>
  compile(
    sql`select 1 from ${customers} where ${customers.merchantId} = ${ph("merchantId")} and ${customers.outOfOrder} = 1 and ${customers.seq} between ${ph("from")} and ${ph("to")} limit 1`,
  ),
);

/**
 * The page's proof from the out-of-order marks (ADR 028), without the index range `unseen`
 * reads: for two customers whose seq and created_at orders disagree, the later-inserted one is
 * marked. Newest first, an unwalked customer (seq below `bound`) ranking before the page's last
 * candidate, itself walked, would have been inserted before it and dated after it: the last
 * candidate would be marked. Oldest first, one (seq above `bound`) ranking before the last
 * candidate would have been inserted after it and dated before it: marked itself. False when the
 * marks cannot tell (then `unseen` decides).
 */
function provenByMarks(merchantId: string, desc: boolean, bound: number, last: Candidate): boolean {
  if (desc ? last.seq < bound : last.seq > bound) return false;
  const [from, to] = desc ? [last.seq, last.seq] : [bound + 1, Number.MAX_SAFE_INTEGER];
  return run(markedBetween(), { merchantId, from, to }).length === 0;
}

const plainSearches = new Map<string, SearchStatements>();
/** The statements of a search with no filter (the API's `q`, the dashboard's search box), kept per sort. */
function plainSearchStatements(sort: CustomerSort, withPosition: boolean, table: SearchIndexTable): SearchStatements {
  const key = `${table} ${sortParam(sort)}${withPosition ? " after" : ""}`;
  let statements = plainSearches.get(key);
  if (!statements) {
    const position = withPosition ? { key: ph("key"), createdAt: ph("createdAt"), seq: ph("seq") } : null;
    const ok = pageClauses({ merchantId: ph("merchantId"), sort, filters: [], position, limit: 0 }).where!;
    statements = searchStatements(ok, sort.direction === "desc", withPosition, table);
    plainSearches.set(key, statements);
  }
  return statements;
}

/**
 * Which rows make a search's page, found without reading every match when a term has many.
 *
 * The usual plan (`customerSearch` as a `seq in (…)`) reads every match by key and sorts them:
 * right for a rare term, but "müller" matches 22,000 of 1,000,000 customers, and reading and
 * sorting them all costs 30 ms and more. FTS5 hands out matches in rowid order cheaply and
 * lazily, and a customer's rowid (seq) is given in creation order, so in the created_at order the
 * page is almost always among the first matches walked from the right end. "Almost" is proven,
 * not assumed: once `limit + 1` candidates are held, the page is complete when no customer of the
 * merchant that ranks between the cursor and the last candidate has a rowid the walk has not
 * reached. Where created_at follows creation, the out-of-order marks (`provenByMarks`, ADR 028)
 * say so from one or two index entries; otherwise it is read from
 * `customers_merchant_created_idx`, which covers (created_at, seq): about limit ÷ (the term's
 * share of customers) index entries — 29,000 at 1,000,000 customers for a full name matching 779.
 * Customers imported with an older created_at, or a clock that stepped back, only make the walk
 * go on; past SEARCH_WALK_CAP matches the usual plan takes over.
 *
 * Returns the seqs the page is read from (unordered: the page's own query sorts and limits them),
 * how many matches were walked and, when the walk had to prove its page, how (`proof`); or null
 * where the usual plan is the one to run. A term whose matches all fit in the first batch is
 * answered from that batch, in any sort.
 */
export function searchPageSeqs(
  merchantId: string,
  query: CustomerQuery,
  q: string,
): { seqs: number[]; walked: number; proof?: "marks" | "index" } | null {
  const index = searchIndexFor(q);
  if (!index) return null;
  const sort = query.sort ?? defaultCustomerSort;
  const p = query.after ? positionAfter(merchantId, sort, query.after) : null;
  const want = query.limit + 1;
  const desc = sort.direction === "desc";
  const statements =
    !query.filters?.length && query.upToSeq === undefined
      ? plainSearchStatements(sort, !!p, index.table)
      : searchStatements(
          // One of this page's rows: the merchant's, live, through the filters, after the cursor.
          pageClauses({
            merchantId,
            sort,
            filters: query.filters ?? [],
            upToSeq: query.upToSeq,
            position: p && { key: p.key ?? "", createdAt: p.createdAt, seq: p.seq },
            limit: want,
          }).where!,
          desc,
          !!p,
          index.table,
        );
  const values: Record<string, unknown> = { merchantId, q, match: index.match, key: p?.key ?? "", createdAt: p?.createdAt, seq: p?.seq };
  const rank = desc ? (a: Candidate, b: Candidate) => b.createdAt - a.createdAt || b.seq - a.seq : (a: Candidate, b: Candidate) => a.createdAt - b.createdAt || a.seq - b.seq;
  // The exact external id, the search's other half (customerSearch), read through its unique
  // index; and the matches not in the index yet (customers queued for the short-search index).
  const exact = run<CandidateRow>(statements.exact(), values);
  const unindexed = unindexedMatches(q, index.table);
  if (unindexed.length > 0) exact.push(...run<CandidateRow>(statements.probeSeqs(), { ...values, seqs: JSON.stringify(unindexed) }));
  let held = new Map<number, Candidate>();
  const hold = (rows: CandidateRow[]) => {
    for (const [seq, createdAt, isOk] of rows) if (isOk) held.set(seq, { seq, createdAt });
  };
  const page = () => [...held.values()].sort(rank).slice(0, want);
  hold(exact);

  // A long search whose rare piece has few matches: those, checked against the whole search,
  // are every match (customer-search.server.ts), without evaluating its whole phrase here.
  const matched = rareSearchMatches(q, SEARCH_FIRST_BATCH - 1);
  if (matched) {
    if (matched.length > 0) hold(run<CandidateRow>(statements.probeSeqs(), { ...values, seqs: JSON.stringify(matched) }));
    return { seqs: [...held.keys()], walked: matched.length };
  }
  // Newest first, the walk below starts from the right end with a first batch of the same size,
  // and reads a term with fewer matches whole just as the probe would: the probe is skipped (one
  // FTS5 read less; at 1,000,000 customers "müller" spent 0.09 ms of its 0.5 in it).
  let first: CandidateRow[] = [];
  if (!(desc && sort.key === "created_at")) {
    first = run<CandidateRow>(statements.probe(), { ...values, n: SEARCH_FIRST_BATCH });
    hold(first);
    if (first.length < SEARCH_FIRST_BATCH) return { seqs: [...held.keys()], walked: first.length };
    if (sort.key !== "created_at") return null;
  }

  // Many matches: walk them from the end the order starts at (ascending, on from the first batch).
  let bound: number | null = desc ? null : first[first.length - 1][0];
  let walked = desc ? 0 : first.length;
  if (desc) {
    held = new Map();
    hold(exact);
  }
  // Newest first, the first look is the page and a few more (SEARCH_LOOK_MARGIN): where the marks
  // prove it, that is all a frequent term reads. The index range is only read for a proof once
  // the walk has gone past SEARCH_FIRST_BATCH matches, as a term with fewer is read whole.
  for (let n = desc ? Math.min(want + SEARCH_LOOK_MARGIN, SEARCH_FIRST_BATCH) : SEARCH_FIRST_BATCH; walked < SEARCH_WALK_CAP; n = Math.min(n * 4, 1024)) {
    const rows = bound === null ? run<CandidateRow>(statements.walkFirst(), { ...values, n }) : run<CandidateRow>(statements.walkFrom(), { ...values, n, bound });
    hold(rows);
    walked += rows.length;
    if (rows.length < n) return { seqs: page().map((c) => c.seq), walked };
    bound = rows[rows.length - 1][0];
    const kept = page();
    held = new Map(kept.map((c) => [c.seq, c]));
    if (kept.length < want) continue;
    const last = kept[want - 1];
    if (provenByMarks(merchantId, desc, bound, last)) return { seqs: kept.map((c) => c.seq), walked, proof: "marks" };
    if (walked < SEARCH_FIRST_BATCH) continue;
    if (run(statements.unseen(), { ...values, bound, lastCreatedAt: last.createdAt, lastSeq: last.seq }).length === 0) {
      return { seqs: kept.map((c) => c.seq), walked, proof: "index" };
    }
  }
  return null;
}

/** A page's rows (one more than asked for, which says whether there are more), prepared when plain. */
function pageRows<R>(
  merchantId: string,
  query: CustomerQuery,
  plain: (sort: CustomerSort, kind: PlainKind) => { all(values: Record<string, unknown>): R[] },
  built: (c: Clauses) => { all(): R[] },
): R[] {
  const sort = query.sort ?? defaultCustomerSort;
  if (query.q && searchUsesIndex(query.q)) {
    const seqs = searchPageSeqs(merchantId, query, query.q)?.seqs;
    if (seqs) return seqs.length === 0 ? [] : plain(sort, "seqs").all({ merchantId, limit: query.limit + 1, seqs: JSON.stringify(seqs) });
  }
  if (query.filters?.length || query.q || query.upToSeq !== undefined) return built(queryClauses(merchantId, query)).all();
  const p = query.after ? positionAfter(merchantId, sort, query.after) : null;
  return plain(sort, p ? "after" : "first").all({ merchantId, limit: query.limit + 1, ...(p ? { key: p.key ?? "", createdAt: p.createdAt, seq: p.seq } : {}) });
}

/**
 * One page of a merchant's live customers. Every sort resumes strictly after the cursor's
 * (key, created_at, seq), a total order, so pages never skip or repeat a customer.
 */
export function listCustomers(opts: { merchantId: string; query: CustomerQuery }): CustomerPage {
  const { query } = opts;
  const sort = query.sort ?? defaultCustomerSort;
  const rows = pageRows(opts.merchantId, query, plainRowPage, rowSelect);
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return { rows: page, hasMore, nextCursor: hasMore ? encodeCursor(sort, positionOf(sort, page[page.length - 1])) : null };
}

type JsonPage = Page<string> & { nextCursor: string | null };

// The API's plain pages (any sort, cursor and limit; no search, no filter), kept until the next
// write to the database (ADR 014): what a client paging through its customers or polling the list
// reads again unchanged. A search or a filter is typed for the occasion and rarely asked twice
// between two writes (and the subscription filter compares periods with the clock): not kept.
const jsonPages = createCommitCache<JsonPage>(sqlite, {
  maxEntries: 1024,
  maxBytes: 8 * 1024 * 1024,
  sizeOf: (page) => page.rows.reduce((n, row) => n + 2 * row.length, 200),
});

/** `listCustomers` with each customer as its API JSON text (`customerJson`): the API's list. Frozen: shared by requests. */
export function listCustomersJson(opts: { merchantId: string; query: CustomerQuery }): Readonly<JsonPage> {
  const { query } = opts;
  if (query.q || query.filters?.length || query.upToSeq !== undefined) return readJsonPage(opts);
  return jsonPages.read(`${opts.merchantId} ${JSON.stringify(query)}`, () => readJsonPage(opts));
}

function readJsonPage(opts: { merchantId: string; query: CustomerQuery }): JsonPage {
  const { query } = opts;
  const sort = query.sort ?? defaultCustomerSort;
  const rows = pageRows<JsonPageRow>(opts.merchantId, query, plainJsonPage, jsonSelect);
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  const last = page[page.length - 1];
  return {
    rows: page.map(customerJson),
    hasMore,
    nextCursor: hasMore ? encodeCursor(sort, positionOf(sort, { ...last, createdAt: new Date(last.createdAtMs) })) : null,
  };
}

/** Where a long read (the CSV export) stops: the newest customer now; later ones are left out. */
export function exportCustomersStart(): number {
  // seq is the rowid, allocated in increasing order: max() is one index step.
  return db.get<{ seq: number | null }>(sql`select max(seq) as seq from customers`)?.seq ?? 0;
}
