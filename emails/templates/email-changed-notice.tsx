import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { type EmailBranding, Letter, Paragraph } from "../components/layout";

// A notice to the old address: it links to the sign-in page, never to a portal session.
export type EmailChangedNoticeProps = {
  locale: Locale;
  merchant: EmailBranding;
  customerName: string | null;
  oldEmail: string;
  newEmail: string;
  supportEmail: string | null;
  signInUrl: string;
};

export const subject = (p: EmailChangedNoticeProps) => translator(p.locale)("email.emailChangedSubject", { merchant: p.merchant.name });

export default function EmailChangedNotice(p: EmailChangedNoticeProps) {
  const t = translator(p.locale);
  const intro = t("email.emailChangedIntro", { merchant: p.merchant.name, oldEmail: p.oldEmail, newEmail: p.newEmail });
  return (
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={p.customerName} intro={intro}>
      <Paragraph>{t("email.emailChangedHelp", { support: p.supportEmail ?? p.merchant.name })}</Paragraph>
      <ActionButton href={p.signInUrl} label={t("email.signInPage")} color={p.merchant.brandColor} />
    </Letter>
  );
}
