import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

// Customer search's index written once per group-committed batch (ADR 016), on a real SQLite
// file with the app's migrations: the batch's new customers are found once it commits, with
// their final values, and both indexes (trigrams, and the short search's characters and pairs)
// agree with the customers table row for row.
useOwnDatabase("search-batch");

let m: {
  db: typeof import("~/utils/db.server");
  customers: typeof import("~/models/customers.server");
};
let grams: typeof import("~/utils/search-grams.server");
let merchantId: string;
const actor = { type: "api_key", id: "key_test" } as const;

beforeAll(async () => {
  m = { db: await import("~/utils/db.server"), customers: await import("~/models/customers.server") };
  grams = await import("~/utils/search-grams.server");
  const { createMerchant } = await import("~/models/merchants.server");
  merchantId = createMerchant({ name: "Search batches" }).merchant.id;
});

const create = (name: string, email: string) => m.customers.createCustomer({ merchantId, input: { name, email }, actor });
const rename = (id: string, name: string) => m.customers.updateCustomer({ merchantId, id, patch: { name }, actor });
/** The ids FTS5 finds for a phrase (the list's own search goes through the same table). */
const found = (phrase: string) =>
  (
    m.db.sqlite
      .prepare("select c.id from customers_fts f join customers c on c.seq = f.rowid where customers_fts match ? order by c.seq")
      .all(`"${phrase}"`) as { id: string }[]
  ).map((r) => r.id);
/** FTS5's own check of the index against its content table (throws SQLITE_CORRUPT_VTAB on a mismatch). */
const integrityCheck = () => m.db.sqlite.prepare("insert into customers_fts (customers_fts, rank) values ('integrity-check', 1)").run();
/**
 * The short-search index (0009, contentless) against the customers table: for every token any
 * customer's name, email or id gives (search_grams, recomputed here), exactly the customers that
 * give it. Returns the number of tokens checked.
 */
function shortIndexAgrees(): number {
  const { searchGrams } = grams;
  const customers = m.db.sqlite.prepare("select seq, name, email_normalized, id from customers").all() as { seq: number; name: string; email_normalized: string; id: string }[];
  const want = new Map<string, number[]>();
  for (const c of customers) for (const token of searchGrams(c.name, c.email_normalized, c.id).split(" ")) want.set(token, [...(want.get(token) ?? []), c.seq]);
  const lookup = m.db.sqlite.prepare("select rowid from customers_grams where customers_grams match ? order by rowid").pluck();
  for (const [token, seqs] of want) expect(lookup.all(`"${token}"`), token).toEqual(seqs.sort((a, b) => a - b));
  return want.size;
}
const deferredRows = () => m.db.sqlite.prepare("select count(*) from customers_fts_deferred").pluck().get();
const settled = <T>(p: Promise<T>) => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

describe("customer search index, one statement per batch", () => {
  it("indexes a batch's surviving customers at its end, with their final values", async () => {
    // Indexed before the batch, by the trigger (no batch running).
    const old = m.db.writeTransaction(() => create("Olden Tapir", "olden@example.com"));
    expect(found("tapir")).toEqual([old.id]);

    let seenInsideTheBatch: string[] | null = null;
    let wombatId = "";
    const units: Promise<unknown>[] = [
      // Created, then renamed by a later unit of the same batch.
      m.db.groupCommit(() => {
        const c = create("Alpha Quokka", "alpha@example.com");
        wombatId = c.id;
        seenInsideTheBatch = found("quokka");
        return c.id;
      }),
      // Created, then rolled back with its unit: never indexed.
      m.db.groupCommit(() => {
        create("Bravo Numbat", "bravo@example.com");
        throw new Error("refused");
      }),
      m.db.groupCommit(() => rename(wombatId, "Alpha Wombat")),
      // Created and deleted in the same batch.
      m.db.groupCommit(() => {
        const c = create("Charlie Zebu", "charlie@example.com");
        m.db.sqlite.prepare("delete from customers where id = ?").run(c.id);
      }),
      // A customer from before the batch, renamed inside it: the triggers, as always.
      m.db.groupCommit(() => rename(old.id, "Delta Ibex")),
      m.db.groupCommit(() => create("Echo Kiwi", "echo@example.com").id),
    ];
    const results = await Promise.all(units.map(settled));
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true, true, true]);
    const kiwiId = (results[5] as { value: string }).value;

    // Inside the batch the new customer was not indexed yet: the trigger left it to the batch.
    expect(seenInsideTheBatch).toEqual([]);
    expect(found("wombat")).toEqual([wombatId]);
    expect(found("alpha@example")).toEqual([wombatId]);
    expect(found("quokka")).toEqual([]);
    expect(found("numbat")).toEqual([]);
    expect(found("zebu")).toEqual([]);
    expect(found("ibex")).toEqual([old.id]);
    expect(found("tapir")).toEqual([]);
    expect(found("kiwi")).toEqual([kiwiId]);
    expect(deferredRows()).toBe(0);
    expect(() => integrityCheck()).not.toThrow();
    // The short-search index the same: " W" of "Alpha Wombat", never " Q" of "Alpha Quokka" or " N"
    // of "Bravo Numbat". (Pairs with a space: the ids, random letters and digits, hold none.)
    const short = (q: string) => m.db.sqlite.prepare("select c.id from customers_grams g join customers c on c.seq = g.rowid where customers_grams match ? order by c.seq").pluck().all(grams.shortSearchMatch(q));
    expect(short(" W")).toEqual([wombatId]);
    expect(short(" q")).toEqual([]);
    expect(short(" n")).toEqual([]);
    expect(short(" z")).toEqual([]);
    expect(short(" K")).toEqual([kiwiId]);
    expect(short(" i")).toEqual([old.id]);
    expect(shortIndexAgrees()).toBeGreaterThan(40);
  });

  it("leaves every other writer to the triggers: a transaction of its own is indexed at once", () => {
    m.db.writeTransaction(() => {
      const c = create("Foxtrot Okapi", "foxtrot@example.com");
      expect(found("okapi")).toEqual([c.id]);
    });
    expect(shortIndexAgrees()).toBeGreaterThan(40);
    expect(deferredRows()).toBe(0);
    expect(() => integrityCheck()).not.toThrow();
  });

  it("keeps the index whole across many batches of creates and renames", async () => {
    const ids: string[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 30 }, (_, i) => m.db.groupCommit(() => create(`Round${round} Person${i}`, `r${round}.p${i}@example.com`).id));
      ids.push(...(await Promise.all(batch)));
      await Promise.all(ids.slice(-10).map((id, i) => m.db.groupCommit(() => rename(id, `Renamed${round} Person${i}`))));
    }
    expect(found("round4 person19")).toEqual([ids[139]]);
    expect(found("round4 person29")).toEqual([]); // renamed in the batch after its own
    expect(found("renamed4 person9")).toEqual([ids[149]]);
    expect(found("round0 person0")).toEqual([ids[0]]);
    expect(deferredRows()).toBe(0);
    expect(() => integrityCheck()).not.toThrow();
    expect(shortIndexAgrees()).toBeGreaterThan(40);
  });
});
