import type { CSSProperties, ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { getI18n, type Locale } from "~/i18n/index";

export type Branding = { name: string; logoUrl: string | null; brandColor: string | null };

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The merchant's colour as the page's --brand (only a #rrggbb value ever reaches the style). */
export function brandStyle(branding: Branding | null): CSSProperties | undefined {
  return branding?.brandColor && HEX.test(branding.brandColor) ? ({ "--brand": branding.brandColor } as CSSProperties) : undefined;
}

export function MerchantMark({ branding }: { branding: Branding }) {
  return branding.logoUrl ? (
    <img src={branding.logoUrl} alt={branding.name} height={40} style={{ maxHeight: 40, width: "auto" }} />
  ) : (
    <strong style={{ color: "var(--brand)", fontSize: "1.25rem" }}>{branding.name}</strong>
  );
}

/** A centred card in the merchant's branding: token pages, sign-in, signed-out. */
export function BrandedCard({ branding, locale, children }: { branding: Branding | null; locale: Locale; children: ReactNode }) {
  return (
    <I18nextProvider i18n={getI18n(locale)}>
      <main className="centered" style={brandStyle(branding)} lang={locale}>
        <div className="card" style={{ maxWidth: 440, width: "100%", textAlign: "left" }}>
          {branding ? (
            <p style={{ marginTop: 0 }}>
              <MerchantMark branding={branding} />
            </p>
          ) : null}
          {children}
        </div>
      </main>
    </I18nextProvider>
  );
}

/** A card's heading: its title, a line of explanation and, after a refused post, the error. */
export function CardHeading({ title, body, error = null }: { title: string; body: string; error?: string | null }) {
  return (
    <>
      <h1>{title}</h1>
      <p className="muted">{body}</p>
      {error ? (
        <p role="alert" style={{ color: "var(--danger)" }}>
          {error}
        </p>
      ) : null}
    </>
  );
}

/** A plain form with one button that posts `intent`: no script, so a scanner rendering the page never clicks it. */
export function IntentButton({ intent, label }: { intent: string; label: string }) {
  return (
    <form method="post">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="button">
        {label}
      </button>
    </form>
  );
}
