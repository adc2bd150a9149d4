import { translator, type Locale } from "~/i18n/index";
import { type EmailBranding, Letter } from "../components/layout";
import { LinkWithCode } from "../components/link-with-code";

export type SignInLinkProps = {
  locale: Locale;
  merchant: EmailBranding;
  customerName: string | null;
  url: string;
  code: string;
  expiresInMinutes: number;
};

export const subject = (p: SignInLinkProps) => translator(p.locale)("email.signInSubject", { merchant: p.merchant.name });

export default function SignInLink(p: SignInLinkProps) {
  const t = translator(p.locale);
  const intro = t("email.signInIntro", { merchant: p.merchant.name, minutes: p.expiresInMinutes });
  return (
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={p.customerName} intro={intro}>
      <LinkWithCode t={t} merchant={p.merchant} url={p.url} code={p.code} />
    </Letter>
  );
}
