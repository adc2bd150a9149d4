/**
 * What `npm run bench` measures: floors (the least work each kind of request needs, see
 * floors.ts) and the app's scenarios, each beside the floor it is compared with, and the targets
 * of issue 13 (and DASHBOARD.md "Speed"). To add a scenario, add an entry to `scenarios`; its
 * floor runs automatically before the first scenario that names it.
 */
export type FloorKey = "A" | "B" | "C" | "D";

export const floors: Record<FloorKey, string> = {
  A: "node:http + 1 SQLite read by id → JSON",
  B: "node:http + indexed query + React renderToString, 20-row page",
  C: "SQLite WAL synchronous=FULL single-row commits, 1 connection",
  D: "node:http static 30 KB file",
};

/** Everything the fixtures made: ids, the API key, the signed-in portal cookie. */
export type BenchContext = {
  url: string;
  apiKey: string;
  /** A seeded customer from the middle of the table (reads, mints). */
  customerId: string;
  /** The local part of that customer's email: a search that matches one customer. */
  searchTerm: string;
  /** The fixture customer: 25 payments, a refund, a subscription, a signed-in portal session. */
  portalCustomerId: string;
  portalCookie: string;
  invoicePaymentId: string;
  /** A feature the fixture customer is entitled to (limit, monthly period, some usage booked). */
  entitlementFeature: string;
  /** A signed-in dashboard owner of the seeded merchant. */
  staffCookie: string;
};

export type Target =
  /** app req/s ÷ floor req/s */
  | { kind: "ratio"; min: number }
  /** client-side p99 ≤ factor × p50 (starvation shows as a long tail) */
  | { kind: "p99_vs_p50"; max: number }
  /** client-side p99 below this many ms */
  | { kind: "p99_ms"; below: number }
  /** server time (request log `duration_ms`: arrival in Express → response finished) p95 below */
  | { kind: "server_p95_ms"; below: number }
  /** streamed scenarios: records per second */
  | { kind: "rows_per_s"; min: number }
  /** streamed scenarios: server RSS growth while the download runs */
  | { kind: "rss_growth_mb"; below: number };

type Common = {
  /** Short name used in the ratios line and in --only. */
  key: string;
  title: string;
  headers?: (ctx: BenchContext) => Record<string, string>;
  targets?: Target[];
  /** In the flat-cost comparison (`npm run bench:compare`): at 1M customers ≥ 0.9 × at 1k. */
  flatCost?: boolean;
};

/** Many requests at once (autocannon, --connections), compared with a floor. */
export type LoadScenario = Common & {
  kind: "load";
  floor: FloorKey;
  method?: "GET" | "POST";
  path: (ctx: BenchContext) => string;
  /** The path as the server logs it (no query string), for the server-time percentiles. */
  logPath: (ctx: BenchContext) => string;
  /** A constant body, or a fresh one per request. */
  body?: string | (() => string);
  /** Connections for this scenario when not the run's --connections (the dashboard's few staff). */
  connections?: number;
};

/** One long download read to the end (CSV export): records/s and server RSS growth. */
export type StreamScenario = Common & {
  kind: "stream";
  path: (ctx: BenchContext) => string;
};

export type Scenario = LoadScenario | StreamScenario;

const auth = (ctx: BenchContext) => ({ Authorization: `Bearer ${ctx.apiKey}` });
const json = (ctx: BenchContext) => ({ ...auth(ctx), "Content-Type": "application/json" });
const portal = (ctx: BenchContext) => ({ Cookie: ctx.portalCookie });
const staff = (ctx: BenchContext) => ({ Cookie: ctx.staffCookie });
const fixed = (path: string) => () => path;

let writes = 0;

/** Staff using the dashboard at the same moment, for the dashboard scenarios. */
export const DASHBOARD_CONNECTIONS = 4;

export const scenarios: Scenario[] = [
  // Floor A: reads through the API.
  { kind: "load", key: "healthz", title: "GET /healthz", floor: "A", path: fixed("/healthz"), logPath: fixed("/healthz") },
  {
    kind: "load",
    key: "api_read",
    title: "GET /api/v1/customers/{id}",
    floor: "A",
    path: (ctx) => `/api/v1/customers/${ctx.customerId}`,
    logPath: (ctx) => `/api/v1/customers/${ctx.customerId}`,
    headers: auth,
    targets: [{ kind: "ratio", min: 0.25 }],
    flatCost: true,
  },
  {
    kind: "load",
    key: "api_list",
    title: "GET /api/v1/customers?limit=20",
    floor: "A",
    path: fixed("/api/v1/customers?limit=20"),
    logPath: fixed("/api/v1/customers"),
    headers: auth,
    targets: [{ kind: "ratio", min: 0.15 }],
    flatCost: true,
  },
  {
    kind: "load",
    key: "search",
    title: "GET /api/v1/customers?q=<an email> (1 match)",
    floor: "A",
    path: (ctx) => `/api/v1/customers?q=${encodeURIComponent(ctx.searchTerm)}&limit=20`,
    logPath: fixed("/api/v1/customers"),
    headers: auth,
    flatCost: true,
  },
  {
    kind: "load",
    key: "search_name",
    title: "GET /api/v1/customers?q=müller (accent-folded, many matches)",
    floor: "A",
    path: fixed(`/api/v1/customers?q=${encodeURIComponent("müller")}&limit=20`),
    logPath: fixed("/api/v1/customers"),
    headers: auth,
    flatCost: true,
  },
  {
    kind: "load",
    key: "search_ko",
    title: "GET /api/v1/customers?q=민지 (2-syllable Hangul)",
    floor: "A",
    path: fixed(`/api/v1/customers?q=${encodeURIComponent("민지")}&limit=20`),
    logPath: fixed("/api/v1/customers"),
    headers: auth,
    flatCost: true,
  },
  {
    // A character no customer has: before the short-search index (ADR 025) this read every customer
    // (1 s a search at 1,000,000); now one index lookup at any size.
    kind: "load",
    key: "search_none",
    title: "GET /api/v1/customers?q=뷁 (1 character, no match)",
    floor: "A",
    path: fixed(`/api/v1/customers?q=${encodeURIComponent("뷁")}&limit=20`),
    logPath: fixed("/api/v1/customers"),
    headers: auth,
    flatCost: true,
  },
  {
    // Autumn's /check, the hot path of merchants' backends: one statement by two unique indexes
    // (app/models/entitlements.server.test.ts holds its query plan). Issue 11 sets no ratio.
    kind: "load",
    key: "entitlement_check",
    title: "POST /api/v1/customers/{id}/entitlements/{feature}/check",
    floor: "A",
    method: "POST",
    path: (ctx) => `/api/v1/customers/${ctx.portalCustomerId}/entitlements/${ctx.entitlementFeature}/check`,
    logPath: (ctx) => `/api/v1/customers/${ctx.portalCustomerId}/entitlements/${ctx.entitlementFeature}/check`,
    headers: json,
    body: '{"quantity":1}',
    flatCost: true,
  },

  // Floor B: server-rendered portal pages, signed in (ko).
  {
    kind: "load",
    key: "page",
    title: "GET /portal/billing (25 payments, ko)",
    floor: "B",
    path: fixed("/portal/billing"),
    logPath: fixed("/portal/billing"),
    headers: portal,
    targets: [
      { kind: "ratio", min: 0.2 },
      { kind: "p99_vs_p50", max: 3 },
      { kind: "p99_ms", below: 250 },
    ],
    flatCost: true,
  },
  { kind: "load", key: "overview", title: "GET /portal (overview, ko)", floor: "B", path: fixed("/portal"), logPath: fixed("/portal"), headers: portal },
  // Dashboard pages (DASHBOARD.md "Speed", at 100,000 customers): the customers page's first
  // page, a search, a filter and a sort, and the customer page; server time p95 < 50 ms each.
  // A merchant's staff are a handful of people, not 50 browsers at once: these run at
  // DASHBOARD_CONNECTIONS, so the server time is the page's own and not a queue behind 49 others
  // (at 50 connections on 2 cores any 8 ms page waits > 100 ms; that is issue 13's portal target).
  ...(
    [
      ["dash_customers", "GET /dashboard/customers (first page)", ""],
      ["dash_search", "GET /dashboard/customers?q=<an email> (FTS5 trigram)", "search"],
      ["dash_search_ko", "GET /dashboard/customers?q=김민지 (Hangul substring)", `q=${encodeURIComponent("김민지")}`],
      ["dash_filter", "GET /dashboard/customers?subscription=active", "subscription=active"],
      ["dash_sort", "GET /dashboard/customers?sort=name", "sort=name"],
    ] as const
  ).map(
    ([key, title, query]): LoadScenario => ({
      kind: "load",
      key,
      title: `${title}, ${DASHBOARD_CONNECTIONS} connections`,
      floor: "B",
      path: (ctx) => `/dashboard/customers${query === "search" ? `?q=${encodeURIComponent(ctx.searchTerm)}` : query ? `?${query}` : ""}`,
      logPath: fixed("/dashboard/customers"),
      headers: staff,
      connections: DASHBOARD_CONNECTIONS,
      targets: [{ kind: "server_p95_ms", below: 50 }],
    }),
  ),
  {
    kind: "load",
    key: "dash_customer",
    title: `GET /dashboard/customers/{id} (customer page, 25 payments), ${DASHBOARD_CONNECTIONS} connections`,
    floor: "B",
    path: (ctx) => `/dashboard/customers/${ctx.portalCustomerId}`,
    logPath: (ctx) => `/dashboard/customers/${ctx.portalCustomerId}`,
    headers: staff,
    connections: DASHBOARD_CONNECTIONS,
    targets: [{ kind: "server_p95_ms", below: 50 }],
  },

  // Floor D: cached invoice PDFs.
  {
    kind: "load",
    key: "pdf",
    title: "GET /api/v1/payments/{id}/invoice (cached PDF)",
    floor: "D",
    path: (ctx) => `/api/v1/payments/${ctx.invoicePaymentId}/invoice?locale=ko`,
    logPath: (ctx) => `/api/v1/payments/${ctx.invoicePaymentId}/invoice`,
    headers: auth,
    targets: [{ kind: "ratio", min: 0.3 }],
  },
  {
    kind: "load",
    key: "portal_pdf",
    title: "GET /portal/invoices/{id} (cached PDF, signed in)",
    floor: "D",
    path: (ctx) => `/portal/invoices/${ctx.invoicePaymentId}`,
    logPath: (ctx) => `/portal/invoices/${ctx.invoicePaymentId}`,
    headers: portal,
  },
  // Floor C: single-row writes. After the reads: the `write` scenario adds tens of thousands of
  // customers (the newest, none with a subscription), which the pages and filters measured
  // before it would otherwise walk first, so that every read measures the seeded data set.
  {
    kind: "load",
    key: "mint",
    title: "POST /api/v1/customers/{id}/portal-sessions",
    floor: "C",
    method: "POST",
    path: (ctx) => `/api/v1/customers/${ctx.customerId}/portal-sessions`,
    logPath: (ctx) => `/api/v1/customers/${ctx.customerId}/portal-sessions`,
    headers: json,
    body: "{}",
    targets: [{ kind: "ratio", min: 1.0 }],
  },
  {
    kind: "load",
    key: "write",
    title: "POST /api/v1/customers",
    floor: "C",
    method: "POST",
    path: fixed("/api/v1/customers"),
    logPath: fixed("/api/v1/customers"),
    headers: json,
    body: () => JSON.stringify({ email: `bench.${process.pid}.${writes++}@example.com`, name: "Bench Writer" }),
    // Issue 13: "Mints (and other single-row writes) ≥ 1.0 × the single-commit floor".
    targets: [{ kind: "ratio", min: 1.0 }],
  },

  // CSV export (DASHBOARD.md "Speed"; the targets are for --customers 100000).
  {
    kind: "stream",
    key: "dash_export",
    title: "GET /dashboard/customers/export.csv (every customer)",
    path: fixed("/dashboard/customers/export.csv"),
    headers: staff,
    targets: [
      { kind: "rows_per_s", min: 20_000 },
      { kind: "rss_growth_mb", below: 50 },
    ],
  },
];

/** Peak server RSS through the whole bench (issue 13, target 5). */
export const RSS_TARGET_MB = 300;

/** Flat cost (issue 13, target 6): each flatCost scenario at 1M customers ≥ this × at 1k. */
export const FLAT_COST_MIN = 0.9;
