import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { brandVariables, contrastRatio, readableOn, textOn } from "~/components/portal/contrast";

const HEX = /^#[0-9a-f]{6}$/i;

/** What the contrast check says about a brand colour (WCAG AA: 4.5:1 for normal text). */
export function brandContrast(color: string) {
  if (!HEX.test(color)) return null;
  const text = textOn(color);
  const ratio = contrastRatio(color, text);
  const link = readableOn(color);
  return { ratio, passes: ratio >= 4.5, text, link, linkAdjusted: link.toLowerCase() !== color.toLowerCase() };
}

/**
 * The portal's header and a button as customers will see them, from the form's current values
 * (updated as the merchant types, with JavaScript; the saved values without it).
 */
export function BrandingPreview({ name, color, logoUrl }: { name: string; color: string; logoUrl: string }) {
  const { t } = useTranslation();
  const brand = HEX.test(color) ? color : "#4f46e5";
  const vars = brandVariables(brand) as CSSProperties;
  const check = brandContrast(brand);
  const safeLogo = /^https:\/\//.test(logoUrl) || /^data:image\/(png|jpeg);base64,/.test(logoUrl) ? logoUrl : null;
  return (
    <div className="preview" aria-live="polite" data-testid="branding-preview">
      <p className="preview-label muted small">{t("dash.portal.previewLabel")}</p>
      <div className="preview-frame" style={vars}>
        <div className="preview-header">
          {safeLogo ? <img src={safeLogo} alt={name || t("dash.portal.previewLogoAlt")} className="preview-logo" /> : <strong>{name || t("dash.portal.previewName")}</strong>}
        </div>
        <div className="preview-body">
          <p>{t("dash.portal.previewBody")}</p>
          <span className="preview-button">{t("dash.portal.previewButton")}</span> <span className="preview-link">{t("dash.portal.previewLink")}</span>
        </div>
      </div>
      {check && !check.passes ? (
        <p className="callout" role="status" data-testid="contrast-warning">
          {t("dash.portal.contrastWarning", { ratio: check.ratio.toFixed(2) })}
        </p>
      ) : null}
      {check?.linkAdjusted ? (
        <p className="muted small" data-testid="link-adjusted">
          {t("dash.portal.linkAdjusted", { color: check.link })}
        </p>
      ) : null}
    </div>
  );
}
