import { and, asc, count, desc, eq, gt, isNull, ne } from "drizzle-orm";
import { merchants, staffInvites, staffMemberships, staffUsers, type StaffRole } from "#db/schema/index";
import type { RenderedEmail } from "#emails/render";
import { db, writeTransaction } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { newId, randomToken, sha256Hex } from "~/utils/ids.server";
import { audit, type Actor, type AuditEntryInput } from "./audit.server";
import { enqueueMail } from "./mail.server";
import { hashPassword } from "./passwords.server";
import { merchantDisplayName } from "./merchants.server";
import { staffError } from "./staff-errors.server";
import { endStaffSessionsForMerchant } from "./staff-sessions.server";
import { assertPasswordAcceptable, getStaffUserByEmail, getMembership, insertMembership, insertStaffUser, parseStaffEmail, parseStaffName } from "./staff-users.server";

export const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60_000;

export type TeamMember = {
  membershipId: string;
  staffUserId: string;
  email: string;
  name: string | null;
  role: StaffRole;
  twoFactor: boolean;
  joinedAt: Date;
};

export function listTeam(merchantId: string): TeamMember[] {
  return db
    .select({
      membershipId: staffMemberships.id,
      staffUserId: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffMemberships.role,
      totpEnabledAt: staffUsers.totpEnabledAt,
      joinedAt: staffMemberships.createdAt,
    })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.staffUserId))
    .where(eq(staffMemberships.merchantId, merchantId))
    .orderBy(asc(staffMemberships.createdAt), asc(staffMemberships.seq))
    .all()
    .map(({ totpEnabledAt, ...m }) => ({ ...m, twoFactor: totpEnabledAt !== null }));
}

/** Invites that can still be accepted, newest first. */
export function listPendingInvites(merchantId: string) {
  return db
    .select({ id: staffInvites.id, email: staffInvites.email, role: staffInvites.role, expiresAt: staffInvites.expiresAt, createdAt: staffInvites.createdAt })
    .from(staffInvites)
    .where(and(eq(staffInvites.merchantId, merchantId), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt), gt(staffInvites.expiresAt, now())))
    .orderBy(desc(staffInvites.createdAt), desc(staffInvites.seq))
    .all();
}

const getMember = (merchantId: string, membershipId: string) =>
  db
    .select()
    .from(staffMemberships)
    .where(and(eq(staffMemberships.id, membershipId), eq(staffMemberships.merchantId, merchantId)))
    .get();

function otherOwners(merchantId: string, membershipId: string) {
  return (
    db
      .select({ n: count() })
      .from(staffMemberships)
      .where(and(eq(staffMemberships.merchantId, merchantId), eq(staffMemberships.role, "owner"), ne(staffMemberships.id, membershipId)))
      .get()?.n ?? 0
  );
}

/** A member of the merchant, to change or remove (another merchant's membership is not found). */
function requireMember(merchantId: string, membershipId: string) {
  const member = getMember(merchantId, membershipId);
  if (!member) throw staffError("not_found");
  return member;
}

/** The merchant keeps an owner: its last one can be neither demoted nor removed. */
function assertOwnerRemains(merchantId: string, member: { id: string; role: StaffRole }, field?: string) {
  if (member.role === "owner" && otherOwners(merchantId, member.id) === 0) throw staffError("last_owner", field);
}

/** The audit entry of a change to one membership. */
function auditMembership(entry: Omit<AuditEntryInput, "objectType" | "objectId"> & { membershipId: string }) {
  const { membershipId, ...rest } = entry;
  audit({ ...rest, objectType: "staff_membership", objectId: membershipId });
}

/** A member's current role (for the owner-only rule), or null for another merchant's membership. */
export function memberRole(opts: { merchantId: string; membershipId: string }): StaffRole | null {
  return getMember(opts.merchantId, opts.membershipId)?.role ?? null;
}

/** Changes a role; the last owner cannot be demoted (checked under the write lock). */
export function changeMemberRole(opts: { merchantId: string; membershipId: string; role: StaffRole; actor: Actor }) {
  return writeTransaction(() => {
    const member = requireMember(opts.merchantId, opts.membershipId);
    if (member.role === opts.role) return { changed: false };
    assertOwnerRemains(opts.merchantId, member, "role");
    db.update(staffMemberships).set({ role: opts.role, updatedAt: now() }).where(eq(staffMemberships.id, member.id)).run();
    auditMembership({
      merchantId: opts.merchantId,
      actor: opts.actor,
      action: "member.role_changed",
      membershipId: member.id,
      before: { role: member.role },
      after: { role: opts.role },
      data: { staff_user_id: member.staffUserId },
    });
    return { changed: true };
  });
}

/** Removes a member and ends their sessions on this merchant at once; never the last owner. */
export function removeMember(opts: { merchantId: string; membershipId: string; actor: Actor }) {
  return writeTransaction(() => {
    const member = requireMember(opts.merchantId, opts.membershipId);
    assertOwnerRemains(opts.merchantId, member);
    db.delete(staffMemberships).where(eq(staffMemberships.id, member.id)).run();
    const ended = endStaffSessionsForMerchant({ staffUserId: member.staffUserId, merchantId: opts.merchantId });
    auditMembership({
      merchantId: opts.merchantId,
      actor: opts.actor,
      action: "member.removed",
      membershipId: member.id,
      before: { staff_user_id: member.staffUserId, role: member.role },
      data: { sessions_ended: ended },
    });
  });
}

export function setTwoFactorRequired(opts: { merchantId: string; required: boolean; actor: Actor }) {
  writeTransaction(() => {
    const current = db.select({ required: merchants.staffTwoFactorRequired }).from(merchants).where(eq(merchants.id, opts.merchantId)).get();
    if (!current || current.required === opts.required) return;
    db.update(merchants).set({ staffTwoFactorRequired: opts.required, updatedAt: now() }).where(eq(merchants.id, opts.merchantId)).run();
    audit({
      merchantId: opts.merchantId,
      actor: opts.actor,
      action: "team.two_factor_requirement_changed",
      objectType: "merchant",
      objectId: opts.merchantId,
      before: { two_factor_required: current.required },
      after: { two_factor_required: opts.required },
    });
  });
}

export type PreparedInvite = { email: string; role: StaffRole; token: string; mail: RenderedEmail };

/** A fresh invite token and the address it goes to (checked before the mail is rendered). */
export function newInviteToken(rawEmail: string) {
  return { email: parseStaffEmail(rawEmail), token: randomToken() };
}

/**
 * Records an invite and queues its mail in one transaction. A newer invite to the same address
 * voids the older link; an address that already belongs to a member is refused.
 */
export function createInvite(opts: { merchantId: string; prepared: PreparedInvite; actor: Actor & { type: "staff" } }) {
  const { email, role, token, mail } = opts.prepared;
  return writeTransaction(() => {
    const existing = getStaffUserByEmail(email);
    if (existing && getMembership({ staffUserId: existing.id, merchantId: opts.merchantId })) throw staffError("already_member", "email");
    const at = now();
    db.update(staffInvites)
      .set({ revokedAt: at })
      .where(and(eq(staffInvites.merchantId, opts.merchantId), eq(staffInvites.email, email), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt)))
      .run();
    const invite = db
      .insert(staffInvites)
      .values({
        id: newId("staffInvite"),
        merchantId: opts.merchantId,
        email,
        role,
        invitedBy: opts.actor.id,
        tokenHash: sha256Hex(token),
        expiresAt: new Date(at.getTime() + INVITE_LIFETIME_MS),
        createdAt: at,
      })
      .returning()
      .get();
    enqueueMail({ merchantId: opts.merchantId, to: email, email: mail });
    audit({ merchantId: opts.merchantId, actor: opts.actor, action: "member.invited", objectType: "staff_invite", objectId: invite.id, after: { email, role } });
    return invite;
  });
}

export function revokeInvite(opts: { merchantId: string; inviteId: string; actor: Actor }) {
  return writeTransaction(() => {
    const changed = db
      .update(staffInvites)
      .set({ revokedAt: now() })
      .where(and(eq(staffInvites.id, opts.inviteId), eq(staffInvites.merchantId, opts.merchantId), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt)))
      .run().changes;
    if (changed !== 1) throw staffError("not_found");
    audit({ merchantId: opts.merchantId, actor: opts.actor, action: "member.invite_revoked", objectType: "staff_invite", objectId: opts.inviteId });
  });
}

/** A live invite for a token, with its merchant and whether the address already has an account. */
export function getInvite(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = db
    .select({ invite: staffInvites, merchant: merchants })
    .from(staffInvites)
    .innerJoin(merchants, eq(merchants.id, staffInvites.merchantId))
    .where(and(eq(staffInvites.tokenHash, sha256Hex(token)), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt), gt(staffInvites.expiresAt, now())))
    .get();
  if (!row) return null;
  const account = getStaffUserByEmail(row.invite.email);
  return {
    invite: row.invite,
    merchantName: merchantDisplayName(row.merchant),
    account: account ? { id: account.id, hasPassword: Boolean(account.passwordHash), name: account.name } : null,
  };
}

/**
 * Accepts an invite. A new person (or one who never set a password) chooses a password and a
 * name; an existing staff user proves it is them by being signed in as the invited address.
 * The link is spent and the membership made in one transaction.
 */
export async function acceptInvite(opts: { token: string; signedInStaffUserId: string | null; password?: string; name?: string | null }) {
  const found = getInvite(opts.token);
  if (!found) throw staffError("link_invalid");
  const { invite, account } = found;
  const name = parseStaffName(opts.name);
  let passwordHash: string | null = null;
  if (!account?.hasPassword) {
    assertPasswordAcceptable(opts.password ?? "", invite.email);
    passwordHash = await hashPassword(opts.password!);
  } else if (opts.signedInStaffUserId !== account.id) {
    throw staffError("link_invalid");
  }
  return writeTransaction(() => {
    const at = now();
    const spent = db
      .update(staffInvites)
      .set({ acceptedAt: at })
      .where(and(eq(staffInvites.id, invite.id), isNull(staffInvites.acceptedAt), isNull(staffInvites.revokedAt), gt(staffInvites.expiresAt, at)))
      .run().changes;
    if (spent !== 1) throw staffError("link_invalid");
    let staff = getStaffUserByEmail(invite.email);
    if (!staff) {
      staff = insertStaffUser({ email: invite.email, name, passwordHash });
    } else if (passwordHash && !staff.passwordHash) {
      db.update(staffUsers).set({ passwordHash, passwordChangedAt: at, name: name ?? staff.name, updatedAt: at }).where(eq(staffUsers.id, staff.id)).run();
    }
    db.update(staffInvites).set({ acceptedBy: staff.id }).where(eq(staffInvites.id, invite.id)).run();
    if (getMembership({ staffUserId: staff.id, merchantId: invite.merchantId })) throw staffError("already_member");
    const membership = insertMembership({ staffUserId: staff.id, merchantId: invite.merchantId, role: invite.role });
    auditMembership({
      merchantId: invite.merchantId,
      actor: { type: "staff", id: staff.id },
      action: "member.joined",
      membershipId: membership.id,
      after: { email: invite.email, role: invite.role },
      data: { invite_id: invite.id },
    });
    return { staff, membership };
  });
}
