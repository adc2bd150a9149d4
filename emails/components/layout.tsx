import { Body } from "@react-email/body";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Img } from "@react-email/img";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import type { ReactNode } from "react";
import type { TFunction } from "i18next";

export type EmailBranding = { name: string; logoUrl: string | null; brandColor: string | null };

const DEFAULT_BRAND = "#4f46e5";

/** The frame every message shares: the merchant's logo or name in its colour, then the body. */
export function EmailLayout(props: { t: TFunction; lang: string; merchant: EmailBranding; preview: string; children: ReactNode }) {
  const brand = props.merchant.brandColor ?? DEFAULT_BRAND;
  return (
    <Html lang={props.lang}>
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#f9fafb", fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans KR', sans-serif", margin: 0 }}>
        <Container style={{ maxWidth: 560, margin: "0 auto", padding: "24px 16px" }}>
          <Section style={{ borderTop: `4px solid ${brand}`, backgroundColor: "#ffffff", borderRadius: 8, padding: "24px" }}>
            {props.merchant.logoUrl ? (
              <Img src={props.merchant.logoUrl} alt={props.merchant.name} height={40} style={{ marginBottom: 16 }} />
            ) : (
              <Text style={{ fontSize: 20, fontWeight: 700, color: brand, margin: "0 0 16px" }}>{props.merchant.name}</Text>
            )}
            {props.children}
          </Section>
          <Hr style={{ borderColor: "#e5e7eb", margin: "24px 0 12px" }} />
          <Text style={{ color: "#6b7280", fontSize: 12 }}>{props.t("email.footer", { merchant: props.merchant.name })}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={{ fontSize: 15, lineHeight: "24px", color: "#111827" }}>{children}</Text>;
}

export function Muted({ children }: { children: ReactNode }) {
  return <Text style={{ fontSize: 13, lineHeight: "20px", color: "#6b7280" }}>{children}</Text>;
}

export function Greeting({ t, name }: { t: TFunction; name: string | null }) {
  return <Paragraph>{name ? t("email.greeting", { name }) : t("email.greetingNoName")}</Paragraph>;
}

/** Every message: the frame, the greeting and the opening line (also the inbox preview), then the rest. */
export function Letter(props: { t: TFunction; lang: string; merchant: EmailBranding; customerName: string | null; intro: string; children: ReactNode }) {
  return (
    <EmailLayout t={props.t} lang={props.lang} merchant={props.merchant} preview={props.intro}>
      <Greeting t={props.t} name={props.customerName} />
      <Paragraph>{props.intro}</Paragraph>
      {props.children}
    </EmailLayout>
  );
}
