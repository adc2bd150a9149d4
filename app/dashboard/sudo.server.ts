import { json } from "@remix-run/node";
import { audit } from "~/models/audit.server";
import { verifyPassword } from "~/models/passwords.server";
import { markReauthenticated } from "~/models/staff-sessions.server";
import { twoFactorEnabled, verifySecondFactor } from "~/models/staff-two-factor.server";
import { now } from "~/utils/clock.server";
import { dashboardError, NO_STORE, type StaffContext } from "./guards.server";
import { signInLimits } from "./rate-limits.server";

/**
 * Recent authentication ("sudo", as GitHub does it): the actions DASHBOARD.md lists (refunds,
 * wallet entries, API key and webhook endpoint creation, role changes, member removal, customer
 * deletion) need a password or TOTP confirmation within the last 10 minutes. Without it the
 * action changes nothing and answers 401 with the confirmation form, which re-posts the same
 * fields plus `sudo_password` (or `sudo_code`): confirmed, the action then runs in that request.
 */
export const SUDO_WINDOW_MS = 10 * 60_000;

export type SudoRequiredData = { sudo: { fields: [string, string][]; error: "wrong" | null; twoFactor: boolean } };

export const hasRecentAuth = (ctx: StaffContext) =>
  ctx.session.reauthenticatedAt !== null && now().getTime() - ctx.session.reauthenticatedAt.getTime() < SUDO_WINDOW_MS;

export async function requireRecentAuth(ctx: StaffContext, form: FormData): Promise<void> {
  if (hasRecentAuth(ctx)) return;
  const password = form.get("sudo_password");
  const code = form.get("sudo_code");
  const attempted = (typeof password === "string" && password !== "") || (typeof code === "string" && code !== "");
  if (attempted) {
    // Wrong confirmations count toward the account's lockout: a stolen session cannot be used
    // to guess the password.
    const locked = signInLimits.lockedFor(ctx.staff.email);
    if (locked > 0) throw dashboardError(429, "rate_limited", { "Retry-After": String(locked) });
    const ok =
      typeof password === "string" && password !== ""
        ? await verifyPassword(ctx.staff.passwordHash, password)
        : twoFactorEnabled(ctx.staff) && (await verifySecondFactor(ctx.staff, String(code))) !== null;
    if (ok) {
      markReauthenticated(ctx.session.seq);
      audit({ merchantId: ctx.merchant.id, actor: ctx.actor, action: "staff.reauthenticated", objectType: "staff_user", objectId: ctx.staff.id });
      return;
    }
    signInLimits.recordFailure(ctx.staff.email);
  }
  const fields = [...form.entries()]
    .filter((e): e is [string, string] => typeof e[1] === "string" && !e[0].startsWith("sudo_"))
    .slice(0, 50);
  throw json<SudoRequiredData>(
    { sudo: { fields, error: attempted ? "wrong" : null, twoFactor: twoFactorEnabled(ctx.staff) } },
    { status: 401, headers: NO_STORE },
  );
}
