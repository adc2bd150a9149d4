import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { type EmailBranding, Letter } from "../components/layout";

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
    <Letter t={t} lang={p.locale} merchant={p.merchant} customerName={p.customerName} intro={body}>
      <ActionButton href={p.signInUrl} label={t("email.signInPage")} color={p.merchant.brandColor} />
    </Letter>
  );
}
