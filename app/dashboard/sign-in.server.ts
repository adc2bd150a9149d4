import type { StaffUser } from "#db/schema/index";
import { auditStaffAccount } from "~/models/audit.server";
import { verifyPassword } from "~/models/passwords.server";
import { getStaffUserByEmail, listMembershipsOf } from "~/models/staff-users.server";
import { twoFactorEnabled, verifySecondFactor } from "~/models/staff-two-factor.server";
import { writeTransaction } from "~/utils/db.server";
import { signInLimits } from "./rate-limits.server";

export type SignInOutcome =
  | { kind: "rate_limited"; retryAfter: number }
  | { kind: "invalid" }
  | { kind: "second_factor"; staff: StaffUser }
  | { kind: "signed_in"; staff: StaffUser; merchantId: string | null };

/** The merchant a new session acts on: the only one, or none yet (the picker asks). */
export function initialMerchant(staffUserId: string): string | null {
  const memberships = listMembershipsOf(staffUserId);
  return memberships.length === 1 ? memberships[0].merchantId : null;
}

/** After sign-in: the page asked for, or the merchant picker when there are several merchants. */
export function afterSignIn(redirectTo: string, merchantId: string | null) {
  return merchantId ? redirectTo : `/dashboard/switch?redirect_to=${encodeURIComponent(redirectTo)}`;
}

/**
 * Checks an email and password. An unknown address, an account without a password and a wrong
 * password get the same answer after the same work (one argon2 verification against a dummy
 * hash when there is no real one). Limits come first: per IP, then the account's lockout.
 */
export async function attemptSignIn(opts: { email: string; password: string; ip: string }): Promise<SignInOutcome> {
  const ipWait = signInLimits.takeIpTry(opts.ip);
  if (ipWait > 0) return { kind: "rate_limited", retryAfter: ipWait };
  const locked = signInLimits.lockedFor(opts.email);
  if (locked > 0) return { kind: "rate_limited", retryAfter: locked };
  const staff = opts.email.length <= 254 ? getStaffUserByEmail(opts.email) : null;
  const ok = await verifyPassword(staff?.passwordHash, opts.password.slice(0, 1024));
  if (!ok || !staff) {
    signInLimits.recordFailure(opts.email);
    if (staff) {
      writeTransaction(() =>
        auditStaffAccount({ staffUserId: staff.id, actor: { type: "staff", id: staff.id, ip: opts.ip }, action: "staff.sign_in_failed", data: { reason: "password" } }),
      );
    }
    return { kind: "invalid" };
  }
  // With two-factor on, the failures are cleared only once the code is right too: otherwise the
  // right password could reset the count between wrong codes and the lockout would never hold.
  if (twoFactorEnabled(staff)) return { kind: "second_factor", staff };
  signInLimits.clearFailures(opts.email);
  writeTransaction(() => auditStaffAccount({ staffUserId: staff.id, actor: { type: "staff", id: staff.id, ip: opts.ip }, action: "staff.signed_in" }));
  return { kind: "signed_in", staff, merchantId: initialMerchant(staff.id) };
}

/** The second step: a TOTP code or a backup code; failures count toward the same lockout. */
export async function attemptSecondFactor(opts: { staff: StaffUser; code: string; ip: string }): Promise<SignInOutcome> {
  const ipWait = signInLimits.takeIpTry(opts.ip);
  if (ipWait > 0) return { kind: "rate_limited", retryAfter: ipWait };
  const locked = signInLimits.lockedFor(opts.staff.email);
  if (locked > 0) return { kind: "rate_limited", retryAfter: locked };
  const matched = await verifySecondFactor(opts.staff, opts.code.slice(0, 64));
  const actor = { type: "staff" as const, id: opts.staff.id, ip: opts.ip };
  if (!matched) {
    signInLimits.recordFailure(opts.staff.email);
    writeTransaction(() => auditStaffAccount({ staffUserId: opts.staff.id, actor, action: "staff.sign_in_failed", data: { reason: "second_factor" } }));
    return { kind: "invalid" };
  }
  signInLimits.clearFailures(opts.staff.email);
  writeTransaction(() => auditStaffAccount({ staffUserId: opts.staff.id, actor, action: "staff.signed_in", data: { second_factor: matched } }));
  return { kind: "signed_in", staff: opts.staff, merchantId: initialMerchant(opts.staff.id) };
}
