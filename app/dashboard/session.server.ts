import { createHmac, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { StaffSession } from "#db/schema/index";
import { endStaffSession, getLiveStaffSession, insertStaffSession, STAFF_ABSOLUTE_MS, type NewStaffSession } from "~/models/staff-sessions.server";
import { env } from "~/utils/env.server";
import { signingSecrets } from "~/utils/signing-keys.server";

// Its own cookie, never the portal's: a customer's cookie opens no dashboard page and a staff
// cookie no portal page. __Host- pins it to this origin (Secure, Path=/, no Domain) on https.
export const STAFF_COOKIE_NAME = env.https ? "__Host-portico_staff" : "portico_staff";

const staffCookie = createCookie(STAFF_COOKIE_NAME, {
  httpOnly: true,
  sameSite: "lax",
  path: "/",
  secure: env.https,
  maxAge: STAFF_ABSOLUTE_MS / 1000,
  // The value is 256 random bits already; the HMAC (derived from the signing keys) only rejects
  // junk before any database read.
  secrets: signingSecrets().map((s) => createHmac("sha256", s).update("portico:staff-cookie").digest("base64url")),
});

/** The raw cookie value (the session id), or null. */
export async function staffCookieValue(request: Request): Promise<string | null> {
  const value: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

/** The live session row of the request's cookie (any stage), or null. */
export async function readStaffSession(request: Request): Promise<StaffSession | null> {
  const value = await staffCookieValue(request);
  return value ? getLiveStaffSession(value) : null;
}

/** A new session (a fresh random id: nothing is carried over from a previous cookie). */
export async function startStaffSession(opts: NewStaffSession): Promise<{ session: StaffSession; cookie: string }> {
  const value = randomBytes(32).toString("base64url");
  const session = insertStaffSession({ cookieValue: value, ...opts });
  return { session, cookie: await staffCookie.serialize(value) };
}

export async function endSessionCookie(session: StaffSession | null): Promise<string> {
  if (session) endStaffSession(session.seq);
  return staffCookie.serialize("", { maxAge: 0, expires: new Date(0) });
}

/**
 * Signs the browser in afresh: whatever session its cookie held ends, and a new one (a new id)
 * starts. Every sign-in goes through here (password, second step, setup link, invite).
 */
export async function replaceStaffSession(request: Request, opts: Omit<NewStaffSession, "userAgent"> & { ip: string }): Promise<string> {
  const previous = await readStaffSession(request);
  if (previous) endStaffSession(previous.seq);
  const started = await startStaffSession({ ...opts, userAgent: request.headers.get("user-agent") });
  return started.cookie;
}
