import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { EmailLayout, Greeting, Paragraph, type EmailBranding } from "../components/layout";

export type CancellationConfirmationProps = {
  locale: Locale;
  merchant: EmailBranding;
  customerName: string | null;
  planName: string;
  /** ISO date the subscription ends when cancelled at period end; null when it ended at once. */
  endsAt: string | null;
  signInUrl: string;
};

export const subject = (p: CancellationConfirmationProps) =>
  translator(p.locale)("email.cancellationSubject", { merchant: p.merchant.name });

export default function CancellationConfirmation(p: CancellationConfirmationProps) {
  const t = translator(p.locale);
  const date = p.endsAt ? new Intl.DateTimeFormat(p.locale, { dateStyle: "long", timeZone: "UTC" }).format(new Date(p.endsAt)) : null;
  const body = date
    ? t("email.cancellationAtPeriodEnd", { plan: p.planName, date })
    : t("email.cancellationImmediate", { plan: p.planName });
  return (
    <EmailLayout t={t} lang={p.locale} merchant={p.merchant} preview={body}>
      <Greeting t={t} name={p.customerName} />
      <Paragraph>{body}</Paragraph>
      <ActionButton href={p.signInUrl} label={t("email.signInPage")} color={p.merchant.brandColor} />
    </EmailLayout>
  );
}

CancellationConfirmation.PreviewProps = {
  locale: "ko",
  merchant: { name: "Hanbit Software", logoUrl: null, brandColor: "#0f766e" },
  customerName: "김민지",
  planName: "Pro (monthly)",
  endsAt: "2026-12-24T00:00:00.000Z",
  signInUrl: "http://localhost:3000/p/hanbit",
} satisfies CancellationConfirmationProps;
