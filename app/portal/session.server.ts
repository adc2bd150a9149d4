import { createCookie, createSessionStorage, type Cookie } from "@remix-run/node";
import { and, eq, isNull, sql } from "drizzle-orm";
import { createHmac, randomBytes } from "node:crypto";
import { browserSessions, customers, portalSessions } from "#db/schema/index";
import { spendLink } from "~/models/portal-sessions.server";
import { now } from "~/utils/clock.server";
import { db, writeTransaction } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { keptAnswers } from "~/utils/kept";
import { mainThreadWrite } from "~/utils/main-thread-writes.server";
import { sha256Hex } from "~/utils/ids.server";
import { signingSecrets } from "~/utils/signing-keys.server";

export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 8 * 60 * 60_000;
// last_seen_at is rewritten at most once a minute: enough precision for a 30-minute idle limit.
const TOUCH_EVERY_MS = 60_000;

export type BrowserSessionData = {
  portalSessionId: string;
  customerId: string;
  merchantId: string;
  locale: string | null;
  returnUrl: string | null;
  /** A staff member viewing the portal as the customer: read-only, ends with that staff session. */
  viewAs?: { staffSessionSeq: number; staffUserId: string } | null;
};

export class LinkNotExchangeable extends Error {}

// __Host- pins the cookie to this origin (Secure, Path=/, no Domain): only possible over https.
export const SESSION_COOKIE_NAME = env.https ? "__Host-portico_session" : "portico_session";

const signedCookie = createCookie(SESSION_COOKIE_NAME, {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: env.https,
  // The value is already 256 random bits; the HMAC (from the signing keys, so it rotates with
  // them) only keeps Remix from warning about unsigned cookies and rejects junk cheaply.
  secrets: signingSecrets().map((s) => createHmac("sha256", s).update("portico:session-cookie").digest("base64url")),
});

// The session ids that Cookie headers carry, by header (issue 13: parsing and checking the HMAC
// was ≈ 2 % of a portal page's thread). The answer depends only on the header and the secrets,
// which are fixed for the process's life; whether the session is live is still read from the
// database on every request. Only an id or null is kept: anything else (a value only our secret
// could sign, or a parse that threw) is marked, and parsed afresh each time.
const KEPT_COOKIE_HEADERS = 1_000;
const MAX_KEPT_HEADER = 4_096;
const UNKEPT = Symbol("not kept");
const keptId = keptAnswers(KEPT_COOKIE_HEADERS, (header: string): Promise<string | null | typeof UNKEPT> =>
  signedCookie.parse(header).then(
    (value: unknown) => (typeof value === "string" || value === null ? value : UNKEPT),
    () => UNKEPT,
  ),
);

/**
 * The session cookie: Remix's signed cookie, with the id each Cookie header parses to kept.
 * Only strings (an id) and null (no valid cookie) are kept; anything else is passed on unkept.
 */
export const sessionCookie: Cookie = {
  get name() {
    return signedCookie.name;
  },
  get isSigned() {
    return signedCookie.isSigned;
  },
  get expires() {
    return signedCookie.expires;
  },
  async parse(header, options) {
    if (!header || options !== undefined || header.length > MAX_KEPT_HEADER) return signedCookie.parse(header, options);
    const id = await keptId(header);
    return id === UNKEPT ? signedCookie.parse(header) : id;
  },
  serialize: (value, options) => signedCookie.serialize(value, options),
};

/** What a valid, live browser session row says, or null (ending it when a limit has passed). */
// Prepared once: every signed-in request reads its session through it.
const liveSessionByHash = db
  .select({ session: browserSessions, revokedAt: portalSessions.revokedAt, deletedAt: customers.deletedAt })
  .from(browserSessions)
  .innerJoin(portalSessions, eq(portalSessions.id, browserSessions.portalSessionId))
  .innerJoin(customers, eq(customers.id, browserSessions.customerId))
  .where(eq(browserSessions.idHash, sql.placeholder("idHash")))
  .prepare();

async function readLiveSession(id: string): Promise<BrowserSessionData | null> {
  const idHash = sha256Hex(id);
  const row = liveSessionByHash.get({ idHash });
  if (!row || row.session.endedAt || row.revokedAt || row.deletedAt) return null;
  const at = now().getTime();
  const idleFor = at - row.session.lastSeenAt.getTime();
  if (at >= row.session.expiresAt.getTime() || idleFor >= IDLE_TIMEOUT_MS) {
    await endExpiredSession({ idHash, at });
    return null;
  }
  if (idleFor >= TOUCH_EVERY_MS) await touchSession({ idHash, at });
  return row.session.data as BrowserSessionData;
}

// A page read renders in the page thread, whose connection only reads: these two writes run on
// the main thread (docs/decisions/021-page-thread.md), and the read waits for them.
const endExpiredSession = mainThreadWrite("portal.session.end-expired", ({ idHash, at }: { idHash: string; at: number }) => {
  db.update(browserSessions).set({ endedAt: new Date(at) }).where(and(eq(browserSessions.idHash, idHash), isNull(browserSessions.endedAt))).run();
});
const touchSession = mainThreadWrite("portal.session.touch", ({ idHash, at }: { idHash: string; at: number }) => {
  db.update(browserSessions).set({ lastSeenAt: new Date(at) }).where(eq(browserSessions.idHash, idHash)).run();
});

/**
 * Browser sessions in the database through Remix's session API. The cookie holds a random
 * 256-bit id; the table holds only its SHA-256. Creating a session is what spends the link it
 * comes from: both happen in one transaction, so a link makes at most one session.
 */
export const sessionStorage = createSessionStorage<BrowserSessionData>({
  cookie: sessionCookie,
  async createData(data) {
    const { portalSessionId, customerId, merchantId } = data as BrowserSessionData;
    const id = randomBytes(32).toString("base64url");
    writeTransaction(() => {
      if (!spendLink({ portalSessionId, merchantId, customerId })) throw new LinkNotExchangeable();
      const at = now();
      db.insert(browserSessions)
        .values({
          idHash: sha256Hex(id),
          merchantId,
          customerId,
          portalSessionId,
          data: data as Record<string, unknown>,
          createdAt: at,
          lastSeenAt: at,
          expiresAt: new Date(at.getTime() + ABSOLUTE_TIMEOUT_MS),
        })
        .run();
    });
    return id;
  },
  async readData(id) {
    return readLiveSession(id);
  },
  async updateData(id, data) {
    db.update(browserSessions)
      .set({ data: data as Record<string, unknown> })
      .where(and(eq(browserSessions.idHash, sha256Hex(id)), isNull(browserSessions.endedAt)))
      .run();
  },
  async deleteData(id) {
    db.update(browserSessions)
      .set({ endedAt: now() })
      .where(and(eq(browserSessions.idHash, sha256Hex(id)), isNull(browserSessions.endedAt)))
      .run();
  },
});

/**
 * Exchanges a live link for a browser session: returns the Set-Cookie header, or null when
 * another exchange won the race (or the link died meanwhile).
 */
export async function startBrowserSession(data: BrowserSessionData): Promise<string | null> {
  const session = await sessionStorage.getSession();
  for (const [key, value] of Object.entries(data)) session.set(key as keyof BrowserSessionData, value as never);
  try {
    return await sessionStorage.commitSession(session);
  } catch (error) {
    if (error instanceof LinkNotExchangeable) return null;
    throw error;
  }
}

/**
 * Ends the browser session the request's cookie names, if any. A link exchanged in a browser
 * that already holds a portal session replaces it: the earlier one ends on the server, so a
 * link someone else slipped into this browser (login CSRF) cannot leave two sessions behind.
 */
export async function endSessionOfRequest(request: Request) {
  const id = (await sessionCookie.parse(request.headers.get("Cookie"))) as unknown;
  if (typeof id !== "string" || id.length > 100) return;
  db.update(browserSessions)
    .set({ endedAt: now() })
    .where(and(eq(browserSessions.idHash, sha256Hex(id)), isNull(browserSessions.endedAt)))
    .run();
}

/** The merchant of the session a cookie names, live or ended: for "sign in again" links. */
export async function merchantIdOfCookie(cookieHeader: string | null): Promise<string | null> {
  const id = (await sessionCookie.parse(cookieHeader)) as unknown;
  if (typeof id !== "string" || id.length > 100) return null;
  const row = db
    .select({ merchantId: browserSessions.merchantId })
    .from(browserSessions)
    .where(eq(browserSessions.idHash, sha256Hex(id)))
    .get();
  return row?.merchantId ?? null;
}
