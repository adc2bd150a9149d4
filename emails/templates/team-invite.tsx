import { Link } from "@react-email/link";
import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { type EmailBranding, Letter, Muted } from "../components/layout";

export type TeamInviteProps = {
  locale: Locale;
  merchant: EmailBranding;
  inviterName: string;
  role: "owner" | "admin" | "support" | "finance" | "viewer";
  url: string;
  expiresInDays: number;
};

export const subject = (p: TeamInviteProps) => translator(p.locale)("dash.email.inviteSubject", { merchant: p.merchant.name });

/** A team invite: joins the merchant's dashboard with a role; the link works once, for 7 days. */
export default function TeamInvite(p: TeamInviteProps) {
  const t = translator(p.locale);
  const intro = t("dash.email.inviteIntro", { inviter: p.inviterName, merchant: p.merchant.name, role: t(`dash.roles.${p.role}`) });
  return (
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={null} intro={intro}>
      <ActionButton href={p.url} label={t("dash.email.inviteButton")} color={p.merchant.brandColor} />
      <Muted>{t("dash.email.inviteExpiry", { days: p.expiresInDays })}</Muted>
      <Muted>
        {t("email.linkFallback")}
        <br />
        <Link href={p.url} style={{ wordBreak: "break-all" }}>
          {p.url}
        </Link>
      </Muted>
      <Muted>{t("email.ignore")}</Muted>
    </Letter>
  );
}
