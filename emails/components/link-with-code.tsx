import { Link } from "@react-email/link";
import type { TFunction } from "i18next";
import { ActionButton, CodeBox } from "./action-button";
import { Muted, Paragraph } from "./layout";
import type { EmailBranding } from "./layout";

/** The body both sign-in messages share: the button, the code, and the raw link as fallback. */
export function LinkWithCode(props: { t: TFunction; merchant: EmailBranding; url: string; code: string }) {
  const { t } = props;
  return (
    <>
      <ActionButton href={props.url} label={t("email.openPortal")} color={props.merchant.brandColor} />
      <Paragraph>{t("email.codeIntro")}</Paragraph>
      <CodeBox code={props.code} />
      <Muted>
        {t("email.linkFallback")}
        <br />
        <Link href={props.url} style={{ wordBreak: "break-all" }}>
          {props.url}
        </Link>
      </Muted>
      <Muted>{t("email.ignore")}</Muted>
    </>
  );
}
