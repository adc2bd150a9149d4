import { translator, type Locale } from "~/i18n/index";
import { ActionButton } from "../components/action-button";
import { EmailLayout, Greeting, Muted, Paragraph, type EmailBranding } from "../components/layout";

export type EmailChangeConfirmationProps = {
  locale: Locale;
  merchant: EmailBranding;
  customerName: string | null;
  newEmail: string;
  confirmUrl: string;
};

export const subject = (p: EmailChangeConfirmationProps) =>
  translator(p.locale)("email.emailChangeSubject", { merchant: p.merchant.name });

export default function EmailChangeConfirmation(p: EmailChangeConfirmationProps) {
  const t = translator(p.locale);
  const intro = t("email.emailChangeIntro", { merchant: p.merchant.name, newEmail: p.newEmail });
  return (
    <EmailLayout t={t} lang={p.locale} merchant={p.merchant} preview={intro}>
      <Greeting t={t} name={p.customerName} />
      <Paragraph>{intro}</Paragraph>
      <ActionButton href={p.confirmUrl} label={t("email.emailChangeButton")} color={p.merchant.brandColor} />
      <Muted>{t("email.ignore")}</Muted>
    </EmailLayout>
  );
}

EmailChangeConfirmation.PreviewProps = {
  locale: "en",
  merchant: { name: "Hanbit Software", logoUrl: null, brandColor: "#0f766e" },
  customerName: "Emily Carter",
  newEmail: "emily@new.example",
  confirmUrl: "http://localhost:3000/portal/profile/confirm-email/preview",
} satisfies EmailChangeConfirmationProps;
