import { translator, type Locale } from "~/i18n/index";
import { type EmailBranding, Letter } from "../components/layout";
import { LinkWithCode } from "../components/link-with-code";

export type PortalInviteProps = {
  locale: Locale;
  merchant: EmailBranding;
  customerName: string | null;
  url: string;
  code: string;
  expiresInHours: number;
};

export const subject = (p: PortalInviteProps) => translator(p.locale)("email.inviteSubject", { merchant: p.merchant.name });

export default function PortalInvite(p: PortalInviteProps) {
  const t = translator(p.locale);
  const intro = t("email.inviteIntro", { merchant: p.merchant.name, hours: p.expiresInHours });
  return (
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={p.customerName} intro={intro}>
      <LinkWithCode t={t} merchant={p.merchant} url={p.url} code={p.code} />
    </Letter>
  );
}
