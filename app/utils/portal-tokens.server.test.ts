import { generateKeyPair, SignJWT, base64url } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CLOCK_TOLERANCE_S,
  importKeyring,
  parseSigningKeys,
  PORTAL_AUDIENCE,
  PORTAL_TOKEN_TYPE,
  signPortalToken,
  verifyPortalToken,
  type Keyring,
} from "./portal-tokens.server";

// jose's own style: a frozen clock, and every boundary probed one second either side.
const ISSUER = "https://portal.example";
const SECRET = "s1-0123456789abcdef0123456789abcdef";
const OTHER_SECRET = "zz-0123456789abcdef0123456789abcdef";
const T0 = new Date("2026-11-24T08:00:00.000Z");
const T0S = T0.getTime() / 1000;
const IDS = { sub: "cus_AAAAAAAAAAAAAAAAAAAAAA", mid: "mer_BBBBBBBBBBBBBBBBBBBBBB", jti: "ps_CCCCCCCCCCCCCCCCCCCCCC" };
const at = (seconds: number) => new Date((T0S + seconds) * 1000);

let keyring: Keyring;
let rotated: Keyring; // new key first, old key still verifying
let good: string;

const hs256 = (secret: string) => new TextEncoder().encode(secret);

/** A token built by hand, so each test can break exactly one thing. */
function craft(opts: {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  omit?: string[];
  secret?: string;
}) {
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    aud: PORTAL_AUDIENCE,
    sub: IDS.sub,
    mid: IDS.mid,
    jti: IDS.jti,
    iat: T0S,
    nbf: T0S,
    exp: T0S + 3600,
    ...opts.claims,
  };
  for (const key of opts.omit ?? []) delete claims[key];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: PORTAL_TOKEN_TYPE, kid: "k1", ...opts.header } as never)
    .sign(hs256(opts.secret ?? SECRET));
}

const verify = (token: string, when = T0, ring = keyring) => verifyPortalToken(token, { keyring: ring, issuer: ISSUER, currentDate: when });

beforeAll(async () => {
  keyring = await importKeyring(parseSigningKeys(`k1:${SECRET}`));
  rotated = await importKeyring(parseSigningKeys(`k2:${OTHER_SECRET},k1:${SECRET}`));
  good = await signPortalToken({ keyring, issuer: ISSUER, customerId: IDS.sub, merchantId: IDS.mid, portalSessionId: IDS.jti, issuedAt: T0, expiresAt: at(3600) });
});

describe("signPortalToken", () => {
  it("produces HS256, typ portal-link+jwt, the signing kid, and only ids as claims", async () => {
    const [header, payload] = good.split(".").slice(0, 2).map((p) => JSON.parse(new TextDecoder().decode(base64url.decode(p))));
    expect(header).toEqual({ alg: "HS256", typ: PORTAL_TOKEN_TYPE, kid: "k1" });
    expect(payload).toEqual({ iss: ISSUER, aud: PORTAL_AUDIENCE, ...IDS, iat: T0S, nbf: T0S, exp: T0S + 3600 });
    expect(await verify(good)).toEqual({ ok: true, claims: { ...IDS, iat: T0S, nbf: T0S, exp: T0S + 3600 } });
  });

  it("signs exactly as jose's SignJWT does (same header and claims order, same bytes)", async () => {
    const byJose = await new SignJWT({ mid: IDS.mid })
      .setProtectedHeader({ alg: "HS256", typ: PORTAL_TOKEN_TYPE, kid: "k1" })
      .setIssuer(ISSUER)
      .setAudience(PORTAL_AUDIENCE)
      .setSubject(IDS.sub)
      .setJti(IDS.jti)
      .setIssuedAt(T0S)
      .setNotBefore(T0S)
      .setExpirationTime(T0S + 3600)
      .sign(hs256(SECRET));
    expect(good).toBe(byJose);
  });

  it("signs with the first key and verifies with every listed key (rotation)", async () => {
    const fresh = await signPortalToken({ keyring: rotated, issuer: ISSUER, customerId: IDS.sub, merchantId: IDS.mid, portalSessionId: IDS.jti, issuedAt: T0, expiresAt: at(60) });
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(fresh.split(".")[0]))).kid).toBe("k2");
    expect((await verify(fresh, T0, rotated)).ok).toBe(true);
    expect((await verify(good, T0, rotated)).ok).toBe(true); // old key's token still verifies
    expect(await verify(fresh, T0, keyring)).toEqual({ ok: false, reason: "unknown_key" }); // a removed key's tokens die
  });
});

describe("expiry and not-before boundaries (30 s tolerance)", () => {
  const tol = CLOCK_TOLERANCE_S;
  it.each([
    ["1 s before exp", 3600 - 1, true],
    ["at exp", 3600, true],
    ["exp + tolerance - 1 s", 3600 + tol - 1, true],
    ["exp + tolerance", 3600 + tol, false],
    ["exp + tolerance + 1 s", 3600 + tol + 1, false],
  ])("%s", async (_label, offset, ok) => {
    const result = await verify(good, at(offset));
    expect(result.ok).toBe(ok);
    if (!ok) expect(result).toMatchObject({ reason: "expired", claims: { jti: IDS.jti } });
  });

  it.each([
    ["nbf - tolerance - 1 s", -tol - 1, false],
    ["nbf - tolerance", -tol, true],
    ["nbf - tolerance + 1 s", -tol + 1, true],
  ])("%s", async (_label, offset, ok) => {
    const result = await verify(good, at(offset));
    expect(result.ok).toBe(ok);
    if (!ok) expect(result).toEqual({ ok: false, reason: "not_yet_valid" });
  });
});

describe("rejections", () => {
  const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);

  it("valid base64 that is not JSON", async () => {
    const result = await verify(`${base64url.encode("hello")}.${base64url.encode("world")}.AAAA`);
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty("claims");
  });

  it("a tampered payload", async () => {
    const [h, p, s] = good.split(".");
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    const forged = base64url.encode(JSON.stringify({ ...payload, sub: "cus_ZZZZZZZZZZZZZZZZZZZZZZ" }));
    expect(await verify(`${h}.${forged}.${s}`)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("a tampered signature", async () => {
    const [h, p, s] = good.split(".");
    expect(await verify(`${h}.${p}.${flip(s)}`)).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it("alg none (unsigned)", async () => {
    const [, p] = good.split(".");
    const header = base64url.encode(JSON.stringify({ alg: "none", typ: PORTAL_TOKEN_TYPE, kid: "k1" }));
    expect((await verify(`${header}.${p}.`)).ok).toBe(false);
    expect((await verify(`${header}.${p}.AAAA`)).ok).toBe(false);
  });

  it("HS512 signed with the right secret", async () => {
    const token = await new SignJWT({ ...IDS, iss: ISSUER, aud: PORTAL_AUDIENCE, iat: T0S, nbf: T0S, exp: T0S + 60 })
      .setProtectedHeader({ alg: "HS512", typ: PORTAL_TOKEN_TYPE, kid: "k1" })
      .sign(hs256(SECRET));
    expect(await verify(token)).toEqual({ ok: false, reason: "invalid_header" });
  });

  it.each(["RS256", "EdDSA"] as const)("%s signed with its own key pair", async (alg) => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const token = await new SignJWT({ ...IDS, iss: ISSUER, aud: PORTAL_AUDIENCE, iat: T0S, nbf: T0S, exp: T0S + 60 })
      .setProtectedHeader({ alg, typ: PORTAL_TOKEN_TYPE, kid: "k1" })
      .sign(privateKey);
    expect(await verify(token)).toEqual({ ok: false, reason: "invalid_header" });
  });

  it("another secret under a known kid", async () => {
    expect(await verify(await craft({ secret: OTHER_SECRET }))).toEqual({ ok: false, reason: "invalid_signature" });
  });

  it.each([
    ["unknown kid", { kid: "k9" }],
    ["missing kid", { kid: undefined }],
    ["path traversal kid", { kid: "../../etc/passwd" }],
    ["prototype kid", { kid: "__proto__" }],
    ["numeric kid", { kid: 1 }],
    ["huge kid", { kid: "k".repeat(300) }],
  ])("%s", async (_label, header) => {
    const result = await verify(await craft({ header }));
    expect(result.ok).toBe(false);
  });

  it.each([
    ["wrong typ", { header: { typ: "JWT" } }],
    ["missing typ", { header: { typ: undefined } }],
    ["wrong iss", { claims: { iss: "https://evil.example" } }],
    ["wrong aud", { claims: { aud: "portico:api" } }],
    ["sub not a customer id", { claims: { sub: "mer_BBBBBBBBBBBBBBBBBBBBBB" } }],
    ["jti not a portal session id", { claims: { jti: "x" } }],
    ["non-integer exp", { claims: { exp: "tomorrow" } }],
  ])("%s", async (_label, opts) => {
    const result = await verify(await craft(opts as never));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty("claims");
  });

  it.each(["sub", "mid", "jti", "iat", "nbf", "exp", "iss", "aud"])("missing %s", async (claim) => {
    const result = await verify(await craft({ omit: [claim] }));
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty("claims");
  });

  it.each([
    ["empty", () => ""],
    ["2 segments", () => good.split(".").slice(0, 2).join(".")],
    ["4 segments", () => `${good}.AAAA`],
    ["junk base64", () => "!!!.@@@.###"],
    ["200 KB", () => `${"A".repeat(100_000)}.${"B".repeat(100_000)}.C`],
    ["url-encoded slashes", () => "..%2F..%2Fetc%2Fpasswd"],
  ])("malformed: %s", async (_label, token) => {
    expect(await verify(token())).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("parseSigningKeys", () => {
  it.each([
    ["", /at least one/],
    ["nokid", /kid:secret/],
    ["k1:short", /at least 32/],
    [`k1:${SECRET},k1:${OTHER_SECRET}`, /unique/],
    [`bad kid!:${SECRET}`, /kid:secret/],
  ])("refuses %j", (value, message) => {
    expect(() => parseSigningKeys(value)).toThrow(message);
  });

  it("keeps order: the first key signs", () => {
    expect(parseSigningKeys(` a:${SECRET} , b:${OTHER_SECRET} `).map((k) => k.kid)).toEqual(["a", "b"]);
  });
});
