/**
 * Every message renders to valid UTF-8 without NUL bytes, in every language and at every length.
 * React 18's renderToPipeableStream (which @react-email/render's render() reads) leaves NUL
 * bytes wherever a multi-byte character meets the end of a 2 KB chunk (react#31134): Korean
 * messages had them, and some mail clients cut a message at the first one. emails/render.ts
 * renders with renderToStaticMarkup instead.
 */
import { describe, expect, it } from "vitest";
import { renderEmail, type TemplateName, type TemplateProps } from "../emails/render";
import { supportedLocales, type Locale } from "../app/i18n";

const XHTML = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">';

// Names and merchants of every length from 1 to 40 characters move every byte after them, so
// some render puts a multi-byte character across each 2 KB boundary.
function cases(locale: Locale, n: number): { [K in TemplateName]: TemplateProps[K] } {
  const name = (locale === "ko" ? "김" : "Ä") + (locale === "ko" ? "민" : "ö").repeat(n);
  const merchant = { name: `${locale === "ko" ? "한국상점" : "Müller GmbH"} ${"🎉".repeat(n % 3)}`, logoUrl: null, brandColor: n % 2 ? "#4f46e5" : null };
  return {
    "sign-in-link": { locale, merchant, customerName: name, url: "https://x.test/portal/session/tok", code: "123456", expiresInMinutes: 15 },
    "portal-invite": { locale, merchant, customerName: name, url: "https://x.test/p/tok", code: "654321", expiresInHours: 24 },
    "email-change-confirmation": { locale, merchant, newEmail: `${name}@example.kr`, confirmUrl: "https://x.test/confirm/tok" },
    "email-changed-notice": { locale, merchant, customerName: name, oldEmail: "a@example.kr", newEmail: "b@example.kr", supportEmail: "help@example.kr", signInUrl: "https://x.test/p" },
    "cancellation-confirmation": { locale, merchant, customerName: name, planName: `${name} 플랜`, endsAt: "2026-12-31T00:00:00.000Z", signInUrl: "https://x.test/p" },
    "team-invite": { locale, merchant, inviterName: name, role: "support", url: "https://x.test/dashboard/invite/tok", expiresInDays: 7 },
  };
}

describe("renderEmail", () => {
  for (const locale of supportedLocales) {
    it(`${locale}: every template at 40 lengths is valid UTF-8 with no NUL byte, in the HTML and the text`, async () => {
      const strict = new TextDecoder("utf-8", { fatal: true });
      let rendered = 0;
      for (let n = 1; n <= 40; n++) {
        for (const [template, props] of Object.entries(cases(locale, n)) as [TemplateName, TemplateProps[TemplateName]][]) {
          const mail = await renderEmail(template, props as never);
          for (const [part, body] of [["html", mail.html], ["text", mail.text]] as const) {
            expect(body.includes("\u0000"), `${template} ${part} n=${n}`).toBe(false);
            expect(strict.decode(Buffer.from(body, "utf8")), `${template} ${part} n=${n}`).toBe(body);
          }
          // The whole name is there (a character cut at a boundary would not be).
          const shown = "customerName" in props ? props.customerName : "inviterName" in props ? props.inviterName : null;
          if (shown) expect(mail.text.includes(shown), `${template} n=${n}`).toBe(true);
          expect(mail.html.startsWith(XHTML), template).toBe(true);
          expect(mail.html.length).toBeGreaterThan(2048);
          rendered++;
        }
      }
      expect(rendered).toBe(240);
    });
  }
});
