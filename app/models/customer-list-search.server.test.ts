import { beforeAll, describe, expect, it } from "vitest";
import type { CustomerQuery, CustomerSort } from "./customer-list.server";
import { everyPage, insertCustomerRows } from "../../test/setup/customer-rows";
import { useOwnDatabase } from "../../test/setup/own-database";

// A search's page found by walking a frequent term's matches in rowid order (`searchPageSeqs`),
// held against the usual plan — every match read by key and sorted by SQLite
// (`customerListStatement`) — on a real SQLite file: every sort, page size, cursor and filter,
// with created_at in creation order, out of order, and reversed past the walk's cap.
useOwnDatabase("search-plan");

let m: {
  db: typeof import("~/utils/db.server");
  list: typeof import("./customer-list.server");
};
let merchantId: string;
let otherId: string;
const BASE = Date.parse("2025-01-01T00:00:00Z");
let n = 0;

/** Customers written straight into the table (the FTS triggers fire as for any insert). */
function insert(merchant: string, rows: { name: string; createdAt: number; country?: string; externalId?: string; deleted?: boolean }[]) {
  insertCustomerRows(
    m.db.sqlite,
    (fn) => m.db.sqlite.transaction(fn)(),
    rows.map((r) => {
      n++;
      return { id: `cus_t${n}`, merchant, email: `p${n}@plan.example`, name: r.name, externalId: r.externalId, country: r.country, createdAt: r.createdAt, deletedAt: r.deleted ? r.createdAt + 1 : null };
    }),
  );
}

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), list: await import("./customer-list.server") };
  const { createMerchant } = await import("./merchants.server");
  merchantId = createMerchant({ name: "Search plans" }).merchant.id;
  otherId = createMerchant({ name: "Other" }).merchant.id;
  // Another merchant's 300 "Müller"s; then 600 customers, one in three a "Jörg Müller" (one in ten
  // of those deleted), created one second apart; one customer found only by its exact external id.
  insert(otherId, Array.from({ length: 300 }, (_, i) => ({ name: `Müller ${i}`, createdAt: BASE + i * 1000 + 500 })));
  insert(
    merchantId,
    Array.from({ length: 600 }, (_, i) => ({
      name: i % 3 === 0 ? `Jörg Müller ${i}` : `Other Person ${i}`,
      createdAt: BASE + i * 1000,
      country: i % 2 === 0 ? "KR" : "US",
      deleted: i % 30 === 0,
    })),
  );
  insert(merchantId, [{ name: "Plain", createdAt: BASE + 250_000, externalId: "müller" }]);
});

const reference = (query: Omit<CustomerQuery, "limit">) =>
  (m.list.customerListStatement({ merchantId, query: { ...query, limit: 100_000 } }).all() as { id: string }[]).map((c) => c.id);

/** Every page of a query through listCustomers, following its cursors (or, with byId, the last id). */
const paged = (query: CustomerQuery, byId = false) => everyPage(m.list.listCustomers, merchantId, query, byId);

const sorts: CustomerSort[] = (["created_at", "name", "email"] as const).flatMap((key) => (["desc", "asc"] as const).map((direction) => ({ key, direction })));

function holdsEverySort(filters: CustomerQuery["filters"] = []) {
  for (const sort of sorts) {
    const expected = reference({ q: "müller", sort, filters });
    expect(expected.length).toBeGreaterThan(0);
    for (const limit of [1, 7, 20, 100]) {
      expect(paged({ q: "müller", sort, filters, limit }), `${sort.key} ${sort.direction} limit ${limit}`).toEqual(expected);
    }
  }
}

describe("a frequent term's page, walked in rowid order", () => {
  it("equals the usual plan in every sort, page size and cursor, with and without filters", () => {
    holdsEverySort();
    holdsEverySort([{ field: "country", op: "eq", value: "KR" }]);
    expect(paged({ q: "müller", limit: 20 }, true)).toEqual(reference({ q: "müller" }));
    // The exact external id is part of the result; the other merchant's customers and deleted ones are not.
    const all = reference({ q: "müller" });
    expect(all).toContain(m.db.sqlite.prepare("select id from customers where external_id = 'müller'").pluck().get());
    expect(all).toHaveLength(1 + 200 - 20);
  });

  it("reads a few hundred matches, not all of them, when created_at follows creation", () => {
    const plan = m.list.searchPageSeqs(merchantId, { q: "müller", limit: 20 }, "müller");
    expect(plan).not.toBeNull();
    // 181 + 300 matches: one walk of 256 from the newest end proves the page.
    expect(plan!.walked).toBeLessThanOrEqual(256);
    expect(plan!.seqs).toHaveLength(21);
    // Proven from the out-of-order marks, from the first page and from a cursor: the page's last
    // candidate is not marked ("Plain", dated among the others but inserted last, is).
    expect(plan!.proof).toBe("marks");
    const second = m.list.listCustomers({ merchantId, query: { q: "müller", limit: 20 } }).nextCursor!;
    expect(m.list.searchPageSeqs(merchantId, { q: "müller", limit: 20, after: { cursor: second } }, "müller")!.proof).toBe("marks");
    // A rare term is read whole in the first batch.
    expect(m.list.searchPageSeqs(merchantId, { q: "Müller 51", limit: 20 }, "Müller 51")).toEqual({ seqs: expect.any(Array), walked: expect.any(Number) });
    expect(paged({ q: "Müller 51", limit: 2 })).toEqual(reference({ q: "Müller 51" }));
  });

  it("the marks prove a page only where they can, in either direction; the index decides the rest", async () => {
    const { createMerchant } = await import("./merchants.server");
    const own = createMerchant({ name: "Marks" }).merchant.id;
    const newest = { key: "created_at", direction: "desc" } as const;
    const oldest = { key: "created_at", direction: "asc" } as const;
    const proof = (sort: CustomerSort) => m.list.searchPageSeqs(own, { q: "schmidt", sort, limit: 10 }, "schmidt")?.proof;
    const pages = (sort: CustomerSort) => everyPage(m.list.listCustomers, own, { q: "schmidt", sort, limit: 10 });
    const expected = (sort: CustomerSort) =>
      (m.list.customerListStatement({ merchantId: own, query: { q: "schmidt", sort, limit: 100_000 } }).all() as { id: string }[]).map((c) => c.id);
    // 2,000 customers in creation order, one in ten a "Schmidt": nobody is marked.
    insert(own, Array.from({ length: 2000 }, (_, i) => ({ name: i % 10 === 0 ? `Anna Schmidt ${i}` : `Someone ${i}`, createdAt: BASE + i * 1000 })));
    expect(proof(newest)).toBe("marks");
    expect(proof(oldest)).toBe("marks");
    // An import dated among the last few, not a match: marked. Newest first the page's last
    // candidate is not marked, and the marks still prove the page; oldest first a marked customer
    // lies beyond the walk, so the index range is read (and finds nobody ranking on the page).
    insert(own, [{ name: "Imported Person", createdAt: BASE + 1_990_000 + 500 }]);
    expect(m.db.sqlite.prepare("select out_of_order from customers where seq = (select max(seq) from customers)").pluck().get()).toBe(1);
    expect(proof(newest)).toBe("marks");
    expect(proof(oldest)).toBe("index");
    // A "Schmidt" imported with a date among the newest (walked first, newest first: it takes its
    // place first) and one dated before everyone (oldest first it ranks first, though
    // walked last: the index range finds it, and the walk goes on to it).
    insert(own, [{ name: "Late Schmidt", createdAt: BASE + 1_999_000 - 500 }]);
    insert(own, [{ name: "Early Schmidt", createdAt: BASE - 1_000_000 }]);
    for (const sort of [newest, oldest]) expect(pages(sort), sort.direction).toEqual(expected(sort));
    const id = (name: string) => m.db.sqlite.prepare("select id from customers where name = ?").pluck().get(name) as string;
    expect(pages(newest).indexOf(id("Late Schmidt"))).toBe(0);
    expect(pages(oldest).indexOf(id("Early Schmidt"))).toBe(0);
  });

  it("newest first, the walk's first look is the page and a few more; a term with fewer matches than a first batch is still read whole", async () => {
    const { createMerchant } = await import("./merchants.server");
    const own = createMerchant({ name: "First look" }).merchant.id;
    const plan = () => m.list.searchPageSeqs(own, { q: "weber", limit: 10 }, "weber")!;
    const pages = () => everyPage(m.list.listCustomers, own, { q: "weber", limit: 10 });
    const expected = () => (m.list.customerListStatement({ merchantId: own, query: { q: "weber", limit: 100_000 } }).all() as { id: string }[]).map((c) => c.id);
    // 1,000 customers in creation order, one in 25 a "Weber" (40): the first look (the page's 11
    // and 8 more) is proven by the marks.
    insert(own, Array.from({ length: 1000 }, (_, i) => ({ name: i % 25 === 0 ? `Eva Weber ${i}` : `Someone ${i}`, createdAt: BASE + i * 1000 })));
    expect(plan()).toEqual({ seqs: expect.any(Array), walked: 19, proof: "marks" });
    expect(pages()).toEqual(expected());
    // 12 Webers imported with dates after every Weber but before the newest customer: each
    // marked, walked first (the largest seqs), and the first look's page ends on one of them. The
    // marks cannot prove it; with 52 matches, fewer than a first batch, the walk reads them all
    // rather than the index range, as it did before it had a first look.
    insert(own, Array.from({ length: 12 }, (_, i) => ({ name: `Imported Weber ${i}`, createdAt: BASE + 998_500 - i * 10 })));
    expect(plan()).toEqual({ seqs: expect.any(Array), walked: 52 });
    expect(pages()).toEqual(expected());
    expect(pages().slice(0, 12)).toEqual((m.db.sqlite.prepare("select id from customers where name like 'Imported Weber %' order by created_at desc").pluck().all() as string[]));
  });

  it("a row the walk has not reached that ranks on the page (an import, a clock step) is found", () => {
    // Old customers given the newest and the oldest dates: the proof sees them and walks on.
    m.db.sqlite.prepare("update customers set created_at = ? where id in ('cus_t304', 'cus_t310')").run(BASE + 10_000_000);
    m.db.sqlite.prepare("update customers set created_at = ? where id = 'cus_t898'").run(BASE - 10_000_000);
    const first = m.list.listCustomers({ merchantId, query: { q: "müller", limit: 3 } }).rows.map((r) => r.id);
    expect(first.slice(0, 2)).toEqual(["cus_t310", "cus_t304"]);
    holdsEverySort();
    holdsEverySort([{ field: "country", op: "eq", value: "KR" }]);
    // The export's fixed set (upToSeq) is honoured too.
    const upTo = { q: "müller", upToSeq: m.db.sqlite.prepare("select seq from customers where id = 'cus_t600'").pluck().get() as number };
    expect(paged({ ...upTo, limit: 9 })).toEqual(reference(upTo));
  });

  it("past the walk's cap (created_at against creation order) the usual plan answers", () => {
    // 5,000 more matches, each created before the one inserted ahead of it.
    insert(merchantId, Array.from({ length: 5000 }, (_, i) => ({ name: `Hans Müller ${i}`, createdAt: BASE - 20_000_000 - i * 1000 })));
    expect(m.list.searchPageSeqs(merchantId, { q: "müller", limit: 20 }, "müller")).toBeNull();
    for (const sort of sorts.filter((s) => s.key === "created_at")) {
      expect(paged({ q: "müller", sort, limit: 500 })).toEqual(reference({ q: "müller", sort }));
    }
    // Ascending, the oldest are the newest rows: the walk from the low end goes on until it has seen them.
    const asc = m.list.listCustomers({ merchantId, query: { q: "müller", sort: { key: "created_at", direction: "asc" }, limit: 5 } });
    expect(asc.rows.map((r) => r.id)).toEqual(reference({ q: "müller", sort: { key: "created_at", direction: "asc" } }).slice(0, 5));
  });

  it("the API's JSON page holds the same rows", () => {
    const json = m.list.listCustomersJson({ merchantId, query: { q: "müller", limit: 20 } });
    expect(json.rows.map((r) => (JSON.parse(r) as { id: string }).id)).toEqual(reference({ q: "müller" }).slice(0, 20));
    expect(json.hasMore).toBe(true);
  });
});

describe("a long, rare search, found from a rare piece of it", () => {
  /** Customers with the given names and emails, straight into the table (the triggers index them). */
  function insertPeople(merchant: string, rows: { name: string; email: string; createdAt: number; deleted?: boolean }[]) {
    const statement = m.db.sqlite.prepare(
      "insert into customers (id, merchant_id, email, email_normalized, name, metadata, created_at, updated_at, deleted_at) values (?, ?, ?, ?, ?, '{}', ?, ?, ?)",
    );
    m.db.sqlite.transaction(() => {
      for (const r of rows) {
        n++;
        statement.run(`cus_r${n}`, merchant, r.email, r.email.toLowerCase(), r.name, r.createdAt, r.createdAt, r.deleted ? r.createdAt + 1 : null);
      }
    })();
  }
  /** What FTS5 itself matches for the whole phrase, every merchant's rows: the reference set. */
  const indexMatches = (q: string) =>
    m.db.sqlite.prepare("select rowid from customers_fts where customers_fts match ? order by rowid").pluck().all(`"${q.replace(/"/g, '""')}"`) as number[];
  let search: typeof import("./customer-search.server");

  beforeAll(async () => {
    search = await import("./customer-search.server");
    const at = (i: number) => BASE + 40_000_000 + i * 1000;
    // 300 people whose emails share every short piece but their trailing digits ("…smythe0042"),
    // a few of them deleted; a hundred more with the same digits under another merchant; names
    // with diacritics and a combining mark; and a crowd sharing a long name's every piece.
    insertPeople(
      merchantId,
      Array.from({ length: 300 }, (_, i) => ({
        name: `Quentin Smythe ${i}`,
        email: `Quentin.Smythe${String(i).padStart(4, "0")}@rare.example`,
        createdAt: at(i),
        deleted: i % 50 === 7,
      })),
    );
    insertPeople(otherId, Array.from({ length: 100 }, (_, i) => ({ name: `Other Smythe ${i}`, email: `quentin.smythe${String(i).padStart(4, "0")}@rare.example`, createdAt: at(400 + i) })));
    insertPeople(merchantId, [
      { name: "Müller-Lüdenscheidt Ångström", email: "ml@rare.example", createdAt: at(600) },
      { name: "Mu\u0308ller-Lu\u0308denscheidt Zweite", email: "ml2@rare.example", createdAt: at(601) },
      // Shares the rare piece "he0042" but not the search: the check against the whole phrase drops it.
      { name: "Zed Decoy", email: "zed.smythe0042@rare.example", createdAt: at(602) },
    ]);
    insertPeople(merchantId, Array.from({ length: 120 }, (_, i) => ({ name: `Bartholomew Crowd ${i}`, email: `crowd${i}@rare.example`, createdAt: at(700 + i) })));
  });

  it.each([
    ["quentin.smythe0042", true, "the last piece is rare: this merchant's one, the other merchant's one"],
    ["QUENTIN.SMYTHE0007", true, "case folded as the index folds it; this merchant's match is deleted"],
    ["entin.smythe002", true, "twenty matches, ten of them another merchant's"],
    ["quentin.smythe9999", true, "no match at all"],
    ["müller-lüdenscheidt", true, "diacritics folded, precomposed and combining alike"],
    ["mu\u0308ller-lu\u0308denscheidt", true, "combining marks in the search, none in its last piece"],
    ["mu\u0308ller-lu\u0308d", false, "a combining mark in both pieces: neither is tried"],
    ["smythe0099@rare.example", true, "a whole address: its end and start frequent, the piece before the domain rare"],
    ["quentin.smythe0099@rare.example", true, "a whole address: the piece before the domain, tried first, is the rare one"],
    ["rare.example@quentin.smythe0099", true, "an @ with its rare part after it: the piece before it is common, the end is rare"],
    ["quentin smythe@rare.example", true, "no match: a piece no customer has (\"smythe@\") is rare"],
  ])("%s (rare path: %s; %s): the same matches as the index's own phrase, and the same pages as the usual plan", (q, rarePath) => {
    const found = search.rareSearchMatches(q, 63);
    expect(found).toEqual(rarePath ? indexMatches(q) : null);
    expect(indexMatches(q).length).toBeLessThan(64);
    for (const sort of sorts) {
      const expected = reference({ q, sort });
      for (const limit of [1, 2, 20]) expect(paged({ q, sort, limit }), `${q} ${sort.key} ${sort.direction} ${limit}`).toEqual(expected);
    }
  });

  it("takes the rare path only when a piece is rare, and otherwise leaves the whole phrase to the index", () => {
    // "smythe0042": one piece, few matches; the search is answered from them.
    expect(search.rareSearchMatches("quentin.smythe0042", 63)).toHaveLength(2);
    // Every piece of "bartholomew crowd" has 120 matches: not rare, the usual evaluation answers.
    expect(search.rareSearchMatches("bartholomew crowd", 63)).toBeNull();
    expect(paged({ q: "bartholomew crowd", limit: 50 })).toEqual(reference({ q: "bartholomew crowd" }));
    expect(reference({ q: "bartholomew crowd" })).toHaveLength(120);
    // Where the pieces start, in the order they are tried: the end, the start, then back from
    // the end in steps of six; at most six pieces.
    expect(search.rarePieceStarts(9)).toEqual([3, 0]);
    expect(search.rarePieceStarts(23)).toEqual([17, 0, 11, 5]);
    expect(search.rarePieceStarts(30)).toEqual([24, 0, 18, 12, 6]);
    expect(search.rarePieceStarts(80)).toEqual([74, 0, 68, 62, 56, 50]);
    // With an @ (its index the second argument) and six characters before it, the piece that
    // ends at it comes first ("sharma502593" in an address), each start once, still at most six.
    expect(search.rarePieceStarts(31, 19)).toEqual([13, 25, 0, 19, 7, 1]);
    expect(search.rarePieceStarts(23, 10)).toEqual([4, 17, 0, 11, 5]);
    expect(search.rarePieceStarts(12, 6)).toEqual([0, 6]);
    expect(search.rarePieceStarts(15, 15)).toEqual([9, 0, 3]);
    expect(search.rarePieceStarts(23, 5)).toEqual([17, 0, 11, 5]);
    // Shorter than nine characters: never tried.
    expect(search.rareSearchMatches("smythe00", 63)).toBeNull();
    // A limit the piece's matches exceed: not rare either.
    expect(search.rareSearchMatches("quentin.smythe0042", 1)).toBeNull();
    const plan = m.list.searchPageSeqs(merchantId, { q: "quentin.smythe0042", limit: 20 }, "quentin.smythe0042");
    expect(plan).toEqual({ seqs: expect.any(Array), walked: 2 });
    expect(plan!.seqs).toHaveLength(1); // the other merchant's match is not this page's
  });
});
