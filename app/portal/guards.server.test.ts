import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

useOwnDatabase("guards");

let guards: typeof import("./guards.server");
beforeAll(async () => {
  guards = await import("./guards.server");
});

const context = (): AppLoadContext => ({ requestId: crypto.randomUUID(), cspNonce: "n", clientIp: "127.0.0.1" });
// Remix hands every loader of one page its own copy of the Request, with the same load context.
const copy = (method = "GET") => new Request("http://localhost/portal/billing", { method, headers: { cookie: "portico_session=x" } });

describe("getCustomerSession keeps one lookup per page (issue 13)", () => {
  it("shares one lookup between the loaders of one request: different Request objects, one load context", async () => {
    const ctx = context();
    const first = guards.getCustomerSession(copy(), ctx);
    expect(guards.getCustomerSession(copy(), ctx)).toBe(first);
    expect(guards.getCustomerSession(copy("HEAD"), ctx)).toBe(first);
    expect(await first).toBeNull(); // no live session behind that cookie
  });

  it("never shares a lookup between two requests, and looks up afresh for an action or without a context", () => {
    const a = context();
    const b = context();
    expect(guards.getCustomerSession(copy(), a)).not.toBe(guards.getCustomerSession(copy(), b));
    const post = context();
    expect(guards.getCustomerSession(copy("POST"), post)).not.toBe(guards.getCustomerSession(copy("POST"), post));
    expect(guards.getCustomerSession(copy(), null)).not.toBe(guards.getCustomerSession(copy(), null));
  });
});
