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

/**
 * The patched @remix-run/server-runtime (patches/@remix-run+server-runtime+2.17.5.patch) hands a
 * loader or action the request itself when its URL has no query string, instead of a copy.
 */
type Data = {
  callRouteLoader: (opts: { loadContext: unknown; loader: (args: { request: Request }) => unknown; params: object; request: Request; routeId: string; singleFetch: boolean }) => Promise<unknown>;
  callRouteAction: (opts: { loadContext: unknown; action: (args: { request: Request }) => unknown; params: object; request: Request; routeId: string; singleFetch: boolean }) => Promise<unknown>;
};
const data = require("@remix-run/server-runtime/dist/data.js") as Data;

const seen = async (request: Request, kind: "loader" | "action" = "loader", singleFetch = false) => {
  let got: Request | undefined;
  const fn = ({ request: r }: { request: Request }) => {
    got = r;
    return null;
  };
  const common = { loadContext: {}, params: {}, request, routeId: "routes/x", singleFetch };
  if (kind === "loader") await data.callRouteLoader({ ...common, loader: fn });
  else await data.callRouteAction({ ...common, action: fn });
  return got!;
};

describe("the patched loader and action request", () => {
  it("is the request itself without a query string: same URL, method, headers, signal and body", async () => {
    const controller = new AbortController();
    const get = new Request("http://x.test/portal/billing", { headers: { cookie: "a=b", "accept-language": "ko" }, signal: controller.signal });
    for (const singleFetch of [false, true]) expect(await seen(get, "loader", singleFetch)).toBe(get);
    const post = new Request("http://x.test/portal/profile", { method: "POST", body: "name=%EA%B9%80", headers: { "content-type": "application/x-www-form-urlencoded" } });
    const received = await seen(post, "action");
    expect(received).toBe(post);
    expect(await received.text()).toBe("name=%EA%B9%80");
    controller.abort();
    expect((await seen(get)).signal.aborted).toBe(true);
  });

  it("still strips Remix's own parameters from a URL that has a query string", async () => {
    const cases: Array<[string, string, boolean]> = [
      ["http://x.test/dashboard/customers?index&q=kim", "http://x.test/dashboard/customers?q=kim", false],
      ["http://x.test/dashboard/customers?index=1&_data=routes%2Fx", "http://x.test/dashboard/customers?index=1", false],
      ["http://x.test/portal/billing?starting_after=pay_1&_data=routes%2Fportal", "http://x.test/portal/billing?starting_after=pay_1", false],
      ["http://x.test/portal/billing?_routes=routes%2Fportal&x=%7E", "http://x.test/portal/billing?x=%7E", true],
    ];
    for (const [url, expected, singleFetch] of cases) {
      const request = new Request(url, { headers: { cookie: "a=b" } });
      const got = await seen(request, "loader", singleFetch);
      expect(got).not.toBe(request);
      expect(got.url).toBe(expected);
      expect(got.headers.get("cookie")).toBe("a=b");
    }
  });
});

describe("the patched json() and a document request's loader data", () => {
  type Handler = { query: (request: Request) => Promise<any> };
  const r = require("@remix-run/router") as {
    createStaticHandler: (routes: object[]) => Handler;
    json: (data: unknown, init?: ResponseInit | number) => Response;
  };
  // The server runtime's json() is the router's: the one every Remix loader here returns.
  const remixJson = (require("@remix-run/server-runtime") as { json: typeof r.json }).json;

  const data = {
    when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    gone: undefined,
    list: [1, undefined, () => 1, { toJSON: () => "custom" }],
    text: "lone \ud800 surrogate, \ufeff mark, 김민지, 🎉, </script>",
    nested: { n: -0, big: 1e21, nan: NaN },
  };

  it("gives the loader data .json() gave, with the response's status and headers, without reading its body", async () => {
    const responses: Response[] = [];
    const loader = (value: unknown, init?: ResponseInit) => () => {
      const response = remixJson(value, init);
      responses.push(response);
      return response;
    };
    const handler = r.createStaticHandler([
      {
        id: "root",
        path: "/",
        loader: loader(data, { headers: { "Cache-Control": "no-store", "X-Kept": "1" } }),
        children: [
          { id: "page", path: "page", loader: loader("a string") },
          { id: "empty", path: "empty", loader: loader(undefined) },
        ],
      },
    ]);
    const page = await handler.query(new Request("http://x.test/page"));
    expect(page.loaderData.root).toEqual(JSON.parse(JSON.stringify(data)));
    expect(page.loaderData.root.when).toBe("2026-01-02T03:04:05.000Z");
    expect(page.loaderData.root.text).toBe(await new Response(JSON.stringify(data)).json().then((d) => d.text));
    expect(page.loaderData.page).toBe("a string");
    expect(page.loaderHeaders.root.get("x-kept")).toBe("1");
    expect(page.statusCode).toBe(200);
    expect(responses.map((res) => res.bodyUsed)).toEqual([false, false]);
    // Each request gets its own parse: changing one answer changes no other.
    page.loaderData.root.nested.n = 5;
    expect((await handler.query(new Request("http://x.test/page"))).loaderData.root.nested.n).toBe(0);
    // json(undefined) has no body: null, as before.
    expect((await handler.query(new Request("http://x.test/empty"))).loaderData.empty).toBeNull();
  });

  it("still reads the body when the response's type is no longer JSON, or its body was already read", async () => {
    const handler = r.createStaticHandler([
      {
        id: "root",
        path: "/",
        children: [
          {
            id: "retyped",
            path: "retyped",
            loader: () => {
              const response = remixJson({ a: 1 });
              response.headers.set("Content-Type", "text/plain");
              return response;
            },
          },
          {
            id: "read",
            path: "read",
            hasErrorBoundary: true,
            loader: async () => {
              const response = remixJson({ a: 1 });
              await response.text();
              return response;
            },
          },
        ],
      },
    ]);
    expect((await handler.query(new Request("http://x.test/retyped"))).loaderData.retyped).toBe('{"a":1}');
    // .json() on a used body fails, and the route gets that error, as it did.
    const read = await handler.query(new Request("http://x.test/read"));
    expect(read.errors?.read).toBeInstanceOf(TypeError);
  });

  it("gives a thrown json() response's data to the error boundary, with its status", async () => {
    const handler = r.createStaticHandler([
      { id: "root", path: "/", children: [{ id: "gone", path: "gone", hasErrorBoundary: true, loader: () => { throw remixJson({ message: "Not here", at: new Date(0) }, { status: 404 }); } }] },
    ]);
    const result = await handler.query(new Request("http://x.test/gone"));
    expect(result.statusCode).toBe(404);
    expect(result.errors.gone.status).toBe(404);
    expect(result.errors.gone.data).toEqual({ message: "Not here", at: "1970-01-01T00:00:00.000Z" });
  });
});

describe("the patched json(): a Response whose body is made only when asked for", () => {
  type Kept = Response & { keptText(): string | undefined };
  const r = require("@remix-run/router") as { json: (data: unknown, init?: ResponseInit | number) => Response; UNSAFE_KeptJsonResponse: new (...args: never[]) => Response };
  const runtime = require("@remix-run/server-runtime/dist/responses.js") as { isResponse: (value: unknown) => boolean; json: typeof r.json };
  const value = { a: 1, text: "김민지 🎉 </script>", when: new Date(0) };
  const plain = () => new Response(JSON.stringify(value), { status: 201, headers: { "Content-Type": "application/json; charset=utf-8", "X-A": "1" } });
  const kept = () => runtime.json(value, { status: 201, headers: { "X-A": "1" } }) as Kept;

  it("is a Response with json()'s status and headers, recognised without making its body", () => {
    const response = kept();
    expect(response).toBeInstanceOf(Response);
    expect(response).toBeInstanceOf(r.UNSAFE_KeptJsonResponse);
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-a")).toBe("1");
    expect(runtime.isResponse(response)).toBe(true);
    expect(response.bodyUsed).toBe(false);
    expect(response.keptText()).toBe(JSON.stringify(value));
    // Asked for, the body is made; the kept text is no longer handed out.
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(response.keptText()).toBeUndefined();
  });

  it("reads as a plain Response reads, once", async () => {
    for (const read of ["text", "json", "arrayBuffer", "blob"] as const) {
      const [a, b] = [kept(), plain()];
      const got = await a[read]();
      const want = await b[read]();
      if (read === "blob") {
        expect((got as Blob).type).toBe((want as Blob).type);
        expect(await (got as Blob).text()).toBe(await (want as Blob).text());
      } else if (read === "arrayBuffer") expect(Buffer.from(got as ArrayBuffer)).toEqual(Buffer.from(want as ArrayBuffer));
      else expect(got).toEqual(want);
      expect(a.bodyUsed).toBe(true);
      await expect(a.text()).rejects.toThrow(TypeError);
      await expect(b.text()).rejects.toThrow(TypeError);
      expect(() => a.clone()).toThrow(TypeError);
      expect(() => b.clone()).toThrow(TypeError);
    }
    const streamed = kept();
    expect(await new Response(streamed.body).text()).toBe(await plain().text());
    expect(streamed.bodyUsed).toBe(true);
    expect(typeof kept().bytes).toBe(typeof plain().bytes);
  });

  it("copies as a plain Response copies: clone() and Remix's new Response(body, init)", async () => {
    const response = kept();
    const copy = response.clone();
    expect(copy.status).toBe(201);
    expect(copy.headers.get("x-a")).toBe("1");
    expect(await copy.json()).toEqual(JSON.parse(JSON.stringify(value)));
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(value)));
    const touched = kept();
    void touched.body; // made, not read: its clone comes from the plain body
    expect(await touched.clone().text()).toBe(JSON.stringify(value));
    expect(await touched.text()).toBe(JSON.stringify(value));
    const original = kept();
    const relayed = new Response(original.body, { status: original.status, statusText: original.statusText, headers: original.headers, duplex: "half" } as RequestInit);
    expect(relayed.status).toBe(201);
    expect(await relayed.text()).toBe(JSON.stringify(value));
  });

  it("refuses a status without a body as before, and json(undefined) stays body-less", async () => {
    expect(() => runtime.json({ a: 1 }, 204)).toThrow(TypeError);
    expect(() => new Response("{}", { status: 204 })).toThrow(TypeError);
    const empty = runtime.json(undefined);
    expect(empty).not.toBeInstanceOf(r.UNSAFE_KeptJsonResponse);
    expect(empty.body).toBeNull();
  });
});
