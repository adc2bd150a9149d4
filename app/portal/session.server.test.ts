import { createCookie } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useOwnDatabase } from "../../test/setup/own-database";

useOwnDatabase("session-cookie");

let session: typeof import("./session.server");
beforeAll(async () => {
  session = await import("./session.server");
});

const header = async (value: unknown) => (await session.sessionCookie.serialize(value)).split(";")[0];

describe("the portal's session cookie keeps what each Cookie header parses to (issue 13)", () => {
  it("parses a header it signed, again and again, to the same id, beside other cookies", async () => {
    const id = "a".repeat(43);
    const own = await header(id);
    expect(await session.sessionCookie.parse(own)).toBe(id);
    expect(await session.sessionCookie.parse(own)).toBe(id); // kept
    expect(await session.sessionCookie.parse(`theme=dark; ${own}; lang=ko`)).toBe(id);
    expect(await session.sessionCookie.parse(`theme=dark; ${own}; lang=ko`)).toBe(id);
  });

  it("refuses a tampered value, one signed with another secret, and a header without the cookie, every time", async () => {
    const own = await header("b".repeat(43));
    const tampered = own.replace(/.(?=[^=]*$)/, (c) => (c === "A" ? "B" : "A"));
    const foreign = (await createCookie(session.SESSION_COOKIE_NAME, { secrets: ["not ours"] }).serialize("b".repeat(43))).split(";")[0];
    for (let i = 0; i < 2; i++) {
      expect(await session.sessionCookie.parse(tampered)).toBeNull();
      expect(await session.sessionCookie.parse(foreign)).toBeNull();
      expect(await session.sessionCookie.parse("theme=dark")).toBeNull();
      expect(await session.sessionCookie.parse(null)).toBeNull();
    }
  });

  it("keeps nothing that is not an id or null, and stays right past its bound", async () => {
    // A value only our secret could sign, but not an id: handed back as Remix's cookie gives it.
    const object = await header({ not: "an id" });
    expect(await session.sessionCookie.parse(object)).toEqual({ not: "an id" });
    const first = await session.sessionCookie.parse(object);
    (first as Record<string, unknown>).not = "changed";
    expect(await session.sessionCookie.parse(object)).toEqual({ not: "an id" });
    // More headers than are kept: the ones parsed before the map emptied still parse right.
    const ids = Array.from({ length: 1_100 }, (_, i) => `${i}`.padStart(43, "c"));
    const headers = await Promise.all(ids.map(header));
    for (const [i, h] of headers.entries()) expect(await session.sessionCookie.parse(h)).toBe(ids[i]);
    for (const [i, h] of headers.entries()) expect(await session.sessionCookie.parse(h)).toBe(ids[i]);
  });

  it("keeps the cookie's own attributes", async () => {
    expect(session.sessionCookie.name).toBe(session.SESSION_COOKIE_NAME);
    expect(session.sessionCookie.isSigned).toBe(true);
    const set = await session.sessionCookie.serialize("d".repeat(43));
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Path=\//);
  });
});
