import type { StaffRole } from "#db/schema/index";
import { renderEmail } from "#emails/render";
import { merchantBranding } from "~/models/merchants.server";
import { INVITE_LIFETIME_MS, newInviteToken, type PreparedInvite } from "~/models/team.server";
import { env } from "~/utils/env.server";
import type { StaffContext } from "./guards.server";

/**
 * The invite's link and mail, made before the write transaction (rendering awaits). The mail is
 * in the inviter's dashboard language; the link is PUBLIC_URL/dashboard/invite/<token>.
 */
export async function prepareInvite(ctx: StaffContext, input: { email: string; role: StaffRole }): Promise<PreparedInvite> {
  const { email, token } = newInviteToken(input.email);
  const mail = await renderEmail("team-invite", {
    locale: ctx.locale,
    merchant: merchantBranding(ctx.merchant),
    inviterName: ctx.staff.name ?? ctx.staff.email,
    role: input.role,
    url: `${env.PUBLIC_URL}/dashboard/invite/${token}`,
    expiresInDays: Math.round(INVITE_LIFETIME_MS / 86_400_000),
  });
  return { email, role: input.role, token, mail };
}
