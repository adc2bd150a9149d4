import { translator, type Locale } from "~/i18n/index";
import { EmailLayout, Greeting, Paragraph, type EmailBranding } from "../components/layout";
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
    <EmailLayout t={t} lang={p.locale} merchant={p.merchant} preview={intro}>
      <Greeting t={t} name={p.customerName} />
      <Paragraph>{intro}</Paragraph>
      <LinkWithCode t={t} merchant={p.merchant} url={p.url} code={p.code} />
    </EmailLayout>
  );
}

SignInLink.PreviewProps = {
  locale: "en",
  merchant: { name: "Hanbit Software", logoUrl: null, brandColor: "#0f766e" },
  customerName: "Emily Carter",
  url: "http://localhost:3000/portal/session/eyJhbGciOiJIUzI1NiJ9.preview.signature",
  code: "K7Q2ZP",
  expiresInMinutes: 15,
} satisfies SignInLinkProps;
