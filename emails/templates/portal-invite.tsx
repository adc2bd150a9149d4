import { translator, type Locale } from "~/i18n/index";
import { EmailLayout, Greeting, Paragraph, type EmailBranding } from "../components/layout";
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
    <EmailLayout t={t} lang={p.locale} merchant={p.merchant} preview={intro}>
      <Greeting t={t} name={p.customerName} />
      <Paragraph>{intro}</Paragraph>
      <LinkWithCode t={t} merchant={p.merchant} url={p.url} code={p.code} />
    </EmailLayout>
  );
}

PortalInvite.PreviewProps = {
  locale: "ko",
  merchant: { name: "Hanbit Software", logoUrl: null, brandColor: "#0f766e" },
  customerName: "김민지",
  url: "http://localhost:3000/portal/session/eyJhbGciOiJIUzI1NiJ9.preview.signature",
  code: "M3X9TA",
  expiresInHours: 24,
} satisfies PortalInviteProps;
