import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { type EmailBranding, Letter, Muted } from "../components/layout";

// Goes to an address nobody has verified yet: it names the merchant and the address, never the
// customer (whoever typed the address would otherwise learn the name on the account).
export type EmailChangeConfirmationProps = {
  locale: Locale;
  merchant: EmailBranding;
  newEmail: string;
  confirmUrl: string;
};

export const subject = (p: EmailChangeConfirmationProps) =>
  translator(p.locale)("email.emailChangeSubject", { merchant: p.merchant.name });

export default function EmailChangeConfirmation(p: EmailChangeConfirmationProps) {
  const t = translator(p.locale);
  const intro = t("email.emailChangeIntro", { merchant: p.merchant.name, newEmail: p.newEmail });
  return (
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={null} intro={intro}>
      <ActionButton href={p.confirmUrl} label={t("email.emailChangeButton")} color={p.merchant.brandColor} />
      <Muted>{t("email.ignore")}</Muted>
    </Letter>
  );
}
