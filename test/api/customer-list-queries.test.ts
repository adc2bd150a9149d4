import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type ApiClient } from "../setup/api";
import { createMerchant, startServer, type TestServer } from "../setup/server";

// API.md "Customer fields and list queries": every operator on its own, metadata filters, and
// every sort paged across pages — against the expected rows computed here from what was created.

let server: TestServer;
let api: ApiClient;
let other: ApiClient;

type C = {
  id: string;
  email: string | null;
  name: string | null;
  external_id: string | null;
  billing_address: { country: string } | null;
  metadata: Record<string, string>;
  created_at: string;
};
const made: C[] = [];

// Names repeat (ties for the name sort), some are missing, some customers have no email (ties
// for the email sort), countries and metadata vary.
const NAMES = ["Ada", "bob", "Ada", null, "Chloé", "김민지", "ada", "Bob", null, "Dan"];
const COUNTRIES = ["KR", "US", "JP", null];
const TIERS = ["gold", "silver", "gold", "bronze", undefined];

beforeAll(async () => {
  // Hundreds of pages are read back to back: on an idle machine that outruns the per-key limit
  // (100/s, burst 200), which is not what this file tests (conventions.test.ts does).
  server = await startServer({ env: { RATE_LIMIT_SCALE: "100" } });
  api = apiClient(server.url, createMerchant(server.dbFile, "Queries").apiKey);
  other = apiClient(server.url, createMerchant(server.dbFile, "Other").apiKey);
  for (let i = 0; i < 30; i++) {
    const country = COUNTRIES[i % COUNTRIES.length];
    const tier = TIERS[i % TIERS.length];
    const res = await api.post("/customers", {
      email: i % 7 === 3 ? null : `Person${String(i).padStart(2, "0")}@Query.Example`,
      external_id: `ext-${i}`,
      name: NAMES[i % NAMES.length],
      billing_address: country ? { line1: "1 Road", city: "City", country } : null,
      metadata: { ...(tier ? { tier } : {}), ...(i % 3 === 0 ? { team: "core" } : {}), "odd:key": i % 2 === 0 ? "even" : "odd" },
    });
    expect(res.status).toBe(201);
    made.push(res.body);
  }
  // Another merchant's customers never show up.
  await other.post("/customers", { email: "person00@query.example", name: "Ada", external_id: "ext-0" });
});
afterAll(async () => {
  await server?.stop();
});

/** Every page of a list, following has_more with starting_after. */
async function all(query: string, limit = 4): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const sep = query ? "&" : "";
    const res = await api.get(`/customers?${query}${sep}limit=${limit}${cursor ? `&starting_after=${cursor}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.data.map((c: C) => c.id));
    if (!res.body.has_more) return ids;
    cursor = res.body.data[res.body.data.length - 1].id;
  }
  throw new Error("too many pages");
}

const newestFirst = (rows: C[]) => [...rows].reverse().map((c) => c.id);
const country = (c: C) => c.billing_address?.country ?? null;
const lower = (s: string | null) => (s ?? "").toLowerCase();

describe("field[op]=value, one operator at a time", () => {
  const cases: [string, (c: C) => boolean][] = [
    ["email[eq]=PERSON05@query.example", (c) => c.email?.toLowerCase() === "person05@query.example"],
    ["email[ne]=person05@query.example", (c) => c.email?.toLowerCase() !== "person05@query.example"],
    ["email[like]=SON1", (c) => lower(c.email).includes("son1")],
    ["email[in]=person01@query.example,PERSON02@query.example,nobody@x.y", (c) => ["person01@query.example", "person02@query.example"].includes(lower(c.email))],
    ["email[nin]=person01@query.example,person02@query.example", (c) => !["person01@query.example", "person02@query.example"].includes(lower(c.email))],
    ["name[eq]=Ada", (c) => c.name === "Ada"],
    ["name[ne]=Ada", (c) => c.name !== "Ada"],
    ["name[like]=ADA", (c) => lower(c.name).includes("ada")],
    [`name[like]=${encodeURIComponent("민지")}`, (c) => (c.name ?? "").includes("민지")],
    [`name[like]=${encodeURIComponent("CHLOÉ")}`, (c) => c.name === "Chloé"],
    ["name[in]=bob,Dan", (c) => c.name === "bob" || c.name === "Dan"],
    ["name[nin]=bob,Dan", (c) => c.name !== "bob" && c.name !== "Dan"],
    ["external_id[eq]=ext-7", (c) => c.external_id === "ext-7"],
    ["external_id[ne]=ext-7", (c) => c.external_id !== "ext-7"],
    ["external_id[like]=xt-2", (c) => (c.external_id ?? "").includes("xt-2")],
    ["external_id[in]=ext-1,ext-2,ext-3,ext-29", (c) => ["ext-1", "ext-2", "ext-3", "ext-29"].includes(c.external_id!)],
    ["external_id[nin]=ext-1,ext-2", (c) => !["ext-1", "ext-2"].includes(c.external_id!)],
    ["country[eq]=kr", (c) => country(c) === "KR"],
    ["country[ne]=KR", (c) => country(c) !== "KR"],
    ["country[like]=j", (c) => country(c) === "JP"],
    ["country[in]=KR,jp", (c) => country(c) === "KR" || country(c) === "JP"],
    ["country[nin]=KR,JP", (c) => country(c) !== "KR" && country(c) !== "JP"],
    ["metadata[tier]=gold", (c) => c.metadata.tier === "gold"],
    ["metadata[odd:key]=even", (c) => c.metadata["odd:key"] === "even"],
    ["metadata[contains]=tier:silver", (c) => c.metadata.tier === "silver"],
    ["metadata[contains]=team", (c) => "team" in c.metadata],
    ["metadata[tier]=gold&metadata[team]=core", (c) => c.metadata.tier === "gold" && c.metadata.team === "core"],
    ["country[eq]=KR&name[ne]=Ada&metadata[contains]=tier:gold", (c) => country(c) === "KR" && c.name !== "Ada" && c.metadata.tier === "gold"],
    // q also matches inside ids, which are random: about one run in fifty has an id with "AdA" in it.
    ["q=ada&external_id[nin]=ext-0", (c) => (lower(c.name).includes("ada") || lower(c.id).includes("ada") || lower(c.email).includes("ada")) && c.external_id !== "ext-0"],
    ["email=person04@query.example&external_id[like]=ext", (c) => c.email?.toLowerCase() === "person04@query.example"],
  ];

  it.each(cases)("%s", async (query, match) => {
    const expected = newestFirst(made.filter(match));
    expect(await all(query)).toEqual(expected);
  });

  it("created_at[gte] and created_at[lte] (and the plain created_gte/created_lte) bound the range", async () => {
    const from = made[10].created_at;
    const to = made[20].created_at;
    const within = newestFirst(made.filter((c) => c.created_at >= from && c.created_at <= to));
    expect(within.length).toBeGreaterThanOrEqual(11);
    expect(await all(`created_at[gte]=${from}&created_at[lte]=${to}`)).toEqual(within);
    expect(await all(`created_gte=${from}&created_lte=${to}`)).toEqual(within);
    expect(await all(`created_at[gte]=${to}`)).toEqual(newestFirst(made.filter((c) => c.created_at >= to)));
    // A bare date as the upper bound means the end of that day.
    const day = made[0].created_at.slice(0, 10);
    expect(await all(`created_at[lte]=${day}`)).toEqual(newestFirst(made.filter((c) => c.created_at.slice(0, 10) <= day)));
  });

  it("answers an unknown field or operator with 400 parameter_unknown naming it", async () => {
    for (const param of ["phone[eq]", "email[gte]", "created_at[like]", "name[contains]", "country[between]", "metadata"]) {
      const res = await api.get(`/customers?${param}=x`);
      expect(res.status, param).toBe(400);
      expect(res.body.error).toMatchObject({ type: "invalid_request_error", code: "parameter_unknown", param });
    }
  });

  it.each([
    ["email[eq]=", "email[eq]"],
    [`name[eq]=${"x".repeat(201)}`, "name[eq]"],
    ["country[eq]=KOR", "country[eq]"],
    ["country[in]=KR,,JP", "country[in][1]"],
    [`external_id[in]=${Array.from({ length: 101 }, (_, i) => `e${i}`).join(",")}`, "external_id[in]"],
    ["created_at[gte]=yesterday", "created_at[gte]"],
    [`metadata[${"k".repeat(41)}]=v`, `metadata[${"k".repeat(41)}]`],
    [`metadata[tier]=${"v".repeat(501)}`, "metadata[tier]"],
    ["metadata[contains]=:gold", "metadata[contains]"],
    ["metadata[contains]=", "metadata[contains]"],
    ["sort=phone", "sort"],
    ["sort=--name", "sort"],
    ["expand[]=wallets", "expand[]"],
  ])("refuses %s with 422 and its param", async (query, param) => {
    const res = await api.get(`/customers?${query}`);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ type: "invalid_request_error", param });
  });

  it("never shows another merchant's customers, whatever the filter", async () => {
    const ids = await all("name[eq]=Ada&external_id[in]=ext-0,ext-2");
    expect(ids).toEqual(newestFirst(made.filter((c) => c.name === "Ada" && ["ext-0", "ext-2"].includes(c.external_id!))));
    expect(await other.get(`/customers?starting_after=${made[0].id}`)).toMatchObject({ status: 422 });
  });
});

/** SQLite compares TEXT as UTF-8 bytes; so must the expected order. */
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function expectedOrder(key: "created_at" | "name" | "email", direction: "asc" | "desc", rows: C[] = made): string[] {
  // `made` is in creation order: the index is the tie-breaker.
  const keyOf = (c: C) => (key === "name" ? lower(c.name) : key === "email" ? lower(c.email) : "");
  const sorted = rows.map((c, i) => ({ c, i })).sort((a, b) => bytes(keyOf(a.c), keyOf(b.c)) || a.i - b.i);
  const ids = sorted.map((x) => x.c.id);
  return direction === "asc" ? ids : ids.reverse();
}

describe("sort with cursors that carry the sort key", () => {
  const sorts = ["created_at", "-created_at", "name", "-name", "email", "-email"] as const;

  it.each(sorts.flatMap((sort) => [1, 4, 7].map((limit) => [sort, limit] as const)))(
    "sort=%s pages of %i: every customer once, in order, ties by creation order",
    async (sort, limit) => {
      const key = sort.replace("-", "") as "created_at" | "name" | "email";
      const ids = await all(`sort=${sort}`, limit);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expectedOrder(key, sort.startsWith("-") ? "desc" : "asc"));
    },
  );

  it("the default is -created_at", async () => {
    expect(await all("")).toEqual(await all("sort=-created_at"));
  });

  it("sorts a filtered list and pages it without gaps (name asc among gold tiers)", async () => {
    const rows = made.filter((c) => c.metadata.tier === "gold");
    expect(await all("sort=name&metadata[tier]=gold", 2)).toEqual(expectedOrder("name", "asc", rows));
    const pinned = made.filter((c) => ["ext-1", "ext-3", "ext-5", "ext-8", "ext-13"].includes(c.external_id!));
    expect(await all("sort=-email&external_id[in]=ext-1,ext-3,ext-5,ext-8,ext-13", 2)).toEqual(expectedOrder("email", "desc", pinned));
  });

  it("keeps the order when customers are added between pages", async () => {
    const first = await api.get("/customers?sort=-name&limit=5");
    // "힣" sorts after every other name, so under -name it belongs before the cursor.
    const late = await api.post("/customers", { email: "late@query.example", name: "힣 late" });
    const ids: string[] = first.body.data.map((c: C) => c.id);
    for (let more = first.body.has_more; more; ) {
      const next = await api.get(`/customers?sort=-name&limit=5&starting_after=${ids[ids.length - 1]}`);
      ids.push(...next.body.data.map((c: C) => c.id));
      more = next.body.has_more;
    }
    // The newcomer sorts before the cursor, so it is not on later pages; nobody is repeated or lost.
    expect(ids).toEqual(expectedOrder("name", "desc"));
    expect(ids).not.toContain(late.body.id);
    await api.del(`/customers/${late.body.id}`);
  });

  it("answers a cursor that is not a live customer of this merchant with 422 starting_after", async () => {
    const res = await api.get("/customers?sort=name&starting_after=cus_doesnotexist000000000");
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "resource_missing", param: "starting_after" });
  });
});
