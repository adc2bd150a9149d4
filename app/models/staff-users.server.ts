import { and, asc, eq, gt, inArray, isNull } from "drizzle-orm";
import { merchants, staffMemberships, staffSetupTokens, staffUsers, type StaffRole, type StaffUser } from "#db/schema/index";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { EmailSchema, hasUnsafeNameCharacters, LIMITS } from "~/utils/fields";
import { newId, randomBase62, randomToken, sha256Hex } from "~/utils/ids.server";
import { audit, auditStaffAccount, type Actor } from "./audit.server";
import { hashPassword, hashPasswordSync, passwordProblem, verifyPassword } from "./passwords.server";
import { merchantDisplayName } from "./merchants.server";
import { staffError } from "./staff-errors.server";
import { endOtherStaffSessions } from "./staff-sessions.server";

export const SETUP_LINK_LIFETIME_MS = 24 * 60 * 60_000;

/** One account per address: trimmed and lower-cased everywhere an email is stored or looked up. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function parseStaffEmail(raw: string): string {
  const parsed = EmailSchema.safeParse(raw);
  if (!parsed.success) throw staffError("invalid_email", "email");
  return normalizeEmail(parsed.data);
}

/**
 * A staff member's name as typed (optional): the customer name rule, so a name cannot carry
 * control or bidirectional formatting characters that make the team list or the audit log say
 * something else than it shows. Checked before trimming; empty means none.
 */
export function parseStaffName(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  if (hasUnsafeNameCharacters(raw)) throw staffError("name_characters", "name");
  const name = raw.trim();
  if (name.length > LIMITS.name) throw staffError("name_too_long", "name");
  return name || null;
}

/** Throws the first rule a new password breaks (NIST SP 800-63B: length and the common list). */
export function assertPasswordAcceptable(password: string, email?: string | null) {
  const problem = passwordProblem(password, { email });
  if (problem) throw staffError(`password_${problem}`, "password");
}

export const getStaffUser = (id: string) => db.select().from(staffUsers).where(eq(staffUsers.id, id)).get() ?? null;

export const getStaffUserByEmail = (email: string) =>
  db.select().from(staffUsers).where(eq(staffUsers.email, normalizeEmail(email))).get() ?? null;

export type MembershipWithMerchant = { membershipId: string; role: StaffRole; merchantId: string; merchantName: string; merchantSlug: string };

/** The merchants a person works for, oldest membership first. */
export function listMembershipsOf(staffUserId: string): MembershipWithMerchant[] {
  return db
    .select({
      membershipId: staffMemberships.id,
      role: staffMemberships.role,
      merchantId: merchants.id,
      merchant: merchants,
    })
    .from(staffMemberships)
    .innerJoin(merchants, eq(merchants.id, staffMemberships.merchantId))
    .where(eq(staffMemberships.staffUserId, staffUserId))
    .orderBy(asc(staffMemberships.createdAt), asc(staffMemberships.seq))
    .all()
    .map(({ merchant, ...m }) => ({ ...m, merchantName: merchantDisplayName(merchant), merchantSlug: merchant.slug }));
}

export function getMembership(opts: { staffUserId: string; merchantId: string }) {
  return (
    db
      .select()
      .from(staffMemberships)
      .where(and(eq(staffMemberships.staffUserId, opts.staffUserId), eq(staffMemberships.merchantId, opts.merchantId)))
      .get() ?? null
  );
}

/** Inserts a membership; the caller holds the write transaction. */
export function insertMembership(opts: { staffUserId: string; merchantId: string; role: StaffRole }) {
  const at = now();
  return db
    .insert(staffMemberships)
    .values({ id: newId("staffMembership"), staffUserId: opts.staffUserId, merchantId: opts.merchantId, role: opts.role, createdAt: at, updatedAt: at })
    .returning()
    .get();
}

export function insertStaffUser(opts: { email: string; name: string | null; passwordHash: string | null }) {
  const at = now();
  return db
    .insert(staffUsers)
    .values({
      id: newId("staffUser"),
      email: normalizeEmail(opts.email),
      name: opts.name,
      passwordHash: opts.passwordHash,
      passwordChangedAt: opts.passwordHash ? at : null,
      createdAt: at,
      updatedAt: at,
    })
    .returning()
    .get();
}

/** A fresh one-time setup link token for a person without a password; older ones stop working. */
function issueSetupToken(staffUserId: string): string {
  const at = now();
  db.update(staffSetupTokens).set({ usedAt: at }).where(and(eq(staffSetupTokens.staffUserId, staffUserId), isNull(staffSetupTokens.usedAt))).run();
  const token = randomToken();
  db.insert(staffSetupTokens)
    .values({ staffUserId, tokenHash: sha256Hex(token), expiresAt: new Date(at.getTime() + SETUP_LINK_LIFETIME_MS), createdAt: at })
    .run();
  return token;
}

/**
 * `npm run staff:create`: a new staff user (or a membership for an existing one) in a merchant.
 * Without a password, a person who has none yet gets a one-time setup link token (24 h).
 */
export async function createStaffAccount(opts: {
  merchantId: string;
  email: string;
  role: StaffRole;
  name?: string | null;
  password?: string | null;
}) {
  const email = parseStaffEmail(opts.email);
  const name = parseStaffName(opts.name);
  const existing = getStaffUserByEmail(email);
  if (opts.password != null) assertPasswordAcceptable(opts.password, email);
  // Hashing awaits, so it happens before the (synchronous) write transaction.
  const passwordHash = opts.password != null && !existing?.passwordHash ? await hashPassword(opts.password) : null;
  return writeTransaction(() => {
    const current = getStaffUserByEmail(email);
    let staff: StaffUser;
    if (current) {
      if (getMembership({ staffUserId: current.id, merchantId: opts.merchantId })) throw staffError("already_member", "email");
      staff = current;
      if (passwordHash && !current.passwordHash) {
        db.update(staffUsers).set({ passwordHash, passwordChangedAt: now(), updatedAt: now() }).where(eq(staffUsers.id, current.id)).run();
      }
    } else {
      staff = insertStaffUser({ email, name, passwordHash });
    }
    const membership = insertMembership({ staffUserId: staff.id, merchantId: opts.merchantId, role: opts.role });
    const hasPassword = Boolean(passwordHash ?? current?.passwordHash);
    const setupToken = hasPassword ? null : issueSetupToken(staff.id);
    audit({
      merchantId: opts.merchantId,
      actor: { type: "operator" },
      action: "member.added",
      objectType: "staff_membership",
      objectId: membership.id,
      after: { staff_user_id: staff.id, email, role: opts.role },
    });
    return { staff, membership, setupToken };
  });
}

const setupTokenRow = (token: string) =>
  db
    .select({ token: staffSetupTokens, staff: staffUsers })
    .from(staffSetupTokens)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSetupTokens.staffUserId))
    .where(and(eq(staffSetupTokens.tokenHash, sha256Hex(token)), isNull(staffSetupTokens.usedAt), gt(staffSetupTokens.expiresAt, now())))
    .get() ?? null;

/** The person a live setup link belongs to, or null (unknown, used or expired: one answer). */
export function getSetupLink(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return setupTokenRow(token)?.staff ?? null;
}

/** Sets the first password through a setup link; the link is spent in the same transaction. */
export async function completeSetup(opts: { token: string; password: string; name?: string | null }) {
  const staff = getSetupLink(opts.token);
  if (!staff) throw staffError("link_invalid");
  const typedName = parseStaffName(opts.name);
  assertPasswordAcceptable(opts.password, staff.email);
  const passwordHash = await hashPassword(opts.password);
  return writeTransaction(() => {
    const at = now();
    const spent = db
      .update(staffSetupTokens)
      .set({ usedAt: at })
      .where(and(eq(staffSetupTokens.tokenHash, sha256Hex(opts.token)), isNull(staffSetupTokens.usedAt), gt(staffSetupTokens.expiresAt, at)))
      .run().changes;
    if (spent !== 1) throw staffError("link_invalid");
    const name = typedName ?? staff.name;
    db.update(staffUsers).set({ passwordHash, passwordChangedAt: at, name, updatedAt: at }).where(eq(staffUsers.id, staff.id)).run();
    auditStaffAccount({ staffUserId: staff.id, actor: { type: "staff", id: staff.id }, action: "staff.setup_completed" });
    return { ...staff, passwordHash, name };
  });
}

/**
 * A password change: the current password is checked, and every other session of the person
 * ends in the same transaction (a stolen session does not survive the change).
 */
export async function changePassword(opts: { staffUserId: string; currentPassword: string; newPassword: string; keepSessionSeq: number; actor: Actor }) {
  const staff = getStaffUser(opts.staffUserId);
  if (!staff) throw staffError("not_found");
  if (!(await verifyPassword(staff.passwordHash, opts.currentPassword))) throw staffError("wrong_password", "current_password");
  assertPasswordAcceptable(opts.newPassword, staff.email);
  const passwordHash = await hashPassword(opts.newPassword);
  return writeTransaction(() => {
    const at = now();
    db.update(staffUsers).set({ passwordHash, passwordChangedAt: at, updatedAt: at }).where(eq(staffUsers.id, staff.id)).run();
    const ended = endOtherStaffSessions({ staffUserId: staff.id, keepSeq: opts.keepSessionSeq });
    auditStaffAccount({ staffUserId: staff.id, actor: opts.actor, action: "staff.password_changed", data: { other_sessions_ended: ended } });
    return { ended };
  });
}

export function setStaffLocale(opts: { staffUserId: string; locale: StaffUser["locale"] }) {
  db.update(staffUsers).set({ locale: opts.locale, updatedAt: now() }).where(eq(staffUsers.id, opts.staffUserId)).run();
}

export const DEMO_OWNER_EMAIL = "owner@hanbit.example";

/**
 * The demo's dashboard owner (outside production only): a random password, returned once so the
 * start-up can keep it beside the database like the demo API key. Nothing has a default password.
 */
export function createDemoOwner(merchantId: string): { email: string; password: string } {
  const password = randomBase62(20);
  const passwordHash = hashPasswordSync(password);
  writeTransaction(() => {
    const staff = getStaffUserByEmail(DEMO_OWNER_EMAIL) ?? insertStaffUser({ email: DEMO_OWNER_EMAIL, name: "Demo Owner", passwordHash });
    db.update(staffUsers).set({ passwordHash, passwordChangedAt: now(), updatedAt: now() }).where(eq(staffUsers.id, staff.id)).run();
    if (!getMembership({ staffUserId: staff.id, merchantId })) {
      const membership = insertMembership({ staffUserId: staff.id, merchantId, role: "owner" });
      audit({ merchantId, actor: { type: "operator" }, action: "member.added", objectType: "staff_membership", objectId: membership.id, after: { email: DEMO_OWNER_EMAIL, role: "owner" } });
    }
  });
  return { email: DEMO_OWNER_EMAIL, password };
}

/** "Name (email)" (or the email) for each of these staff users, by id. */
export function getStaffNames(ids: string[]): Map<string, string> {
  if (ids.length === 0) return new Map();
  return new Map(
    db
      .select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email })
      .from(staffUsers)
      .where(inArray(staffUsers.id, ids))
      .all()
      .map((s) => [s.id, s.name ? `${s.name} (${s.email})` : s.email]),
  );
}
