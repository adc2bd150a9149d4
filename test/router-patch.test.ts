/**
 * The patched @remix-run/router (patches/@remix-run+router+1.23.3.patch) keeps, per route tree,
 * the ranked branches and the match of each pathname. These cases hold the kept answers to what a
 * fresh match returns, and each caller to its own objects.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
type Match = { params: Record<string, string | undefined>; pathname: string; pathnameBase: string; route: { id: string } };
type Route = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: Route[] };
const router = require("@remix-run/router") as {
  matchRoutes: (routes: Route[], location: string, basename?: string) => Match[] | null;
};

const tree = (): Route[] => [
  {
    id: "root",
    path: "/",
    children: [
      { id: "home", index: true },
      {
        id: "portal",
        path: "portal",
        children: [
          { id: "portal/index", index: true },
          { id: "portal/billing", path: "billing" },
          { id: "portal/invoice", path: "invoices/:paymentId" },
        ],
      },
      { id: "customer", path: "dashboard/customers/:customerId" },
      { id: "customer/tab", path: "dashboard/customers/:customerId/:tab" },
      { id: "splat", path: "*" },
    ],
  },
];

const shape = (matches: Match[] | null) => matches?.map((m) => ({ id: m.route.id, params: { ...m.params }, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null;

describe("the patched matchRoutes", () => {
  const paths = ["/", "/portal", "/portal/", "/portal/billing", "/PORTAL/Billing", "/portal/invoices/pay_1", "/portal/invoices/pay%202", "/dashboard/customers/cus_1/notes", "/nowhere/deep", "/base/portal"];

  it("answers a kept path as a fresh tree answers it, every time", () => {
    const kept = tree();
    for (let round = 0; round < 3; round++) {
      for (const path of paths) {
        expect(shape(router.matchRoutes(kept, path)), path).toEqual(shape(router.matchRoutes(tree(), path)));
        expect(shape(router.matchRoutes(kept, path, "/base")), path).toEqual(shape(router.matchRoutes(tree(), path, "/base")));
      }
    }
  });

  it("gives every caller its own matches: changing one answer changes no later one", () => {
    const routes = tree();
    const first = router.matchRoutes(routes, "/portal/invoices/pay_1")!;
    // One params object for the whole answer, as a fresh match has.
    expect(new Set(first.map((m) => m.params)).size).toBe(1);
    first[0]!.params.paymentId = "changed";
    first[0]!.pathname = "/changed";
    first.pop();
    const second = router.matchRoutes(routes, "/portal/invoices/pay_1")!;
    expect(second).not.toBe(first);
    expect(shape(second)).toEqual(shape(router.matchRoutes(tree(), "/portal/invoices/pay_1")));
    expect(second.at(-1)!.params.paymentId).toBe("pay_1");
    expect(second[0]!.route).toBe(first[0]!.route); // the route objects are the tree's own, as before
  });

  it("stays correct past its bound of kept paths", () => {
    const routes = tree();
    for (let i = 0; i < 2500; i++) {
      const matches = router.matchRoutes(routes, `/portal/invoices/pay_${i}`)!;
      expect(matches.at(-1)!.params.paymentId).toBe(`pay_${i}`);
    }
    expect(shape(router.matchRoutes(routes, "/portal/invoices/pay_7"))).toEqual(shape(router.matchRoutes(tree(), "/portal/invoices/pay_7")));
  });
});
