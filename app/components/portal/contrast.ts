// WCAG 2.x contrast, for text drawn on the merchant's brand colour and brand-coloured text on white.

import { keptAnswers } from "~/utils/kept";

const HEX = /^#([0-9a-f]{6})$/i;

function channels(hex: string): [number, number, number] {
  const n = parseInt(HEX.exec(hex)![1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const DARK = "#111827";
const LIGHT = "#ffffff";

/** The text colour (white or near-black) that reads best on a background. */
export function textOn(background: string): string {
  return contrastRatio(background, LIGHT) >= contrastRatio(background, DARK) ? LIGHT : DARK;
}

/** The colour itself when it reaches `min` against the background, else darkened until it does. */
export function readableOn(color: string, background = LIGHT, min = 4.5): string {
  let [r, g, b] = channels(color);
  for (let i = 0; i < 40; i++) {
    const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
    if (contrastRatio(hex, background) >= min) return hex;
    [r, g, b] = [r, g, b].map((c) => Math.floor(c * 0.9));
  }
  return DARK;
}

/** Brand colours whose variables are kept (merchants' colours are few; the preview's are typed). */
const KEPT_BRANDS = 500;

/** The variables of one `#rrggbb` colour, worked out once (the contrast search was ≈ 0.6 % of a portal page's CPU, issue 13). */
const variablesOf = keptAnswers(
  KEPT_BRANDS,
  (brand: string): Readonly<Record<string, string>> => ({ "--brand": brand, "--brand-contrast": textOn(brand), "--brand-text": readableOn(brand) }),
);

/** CSS variables for the portal: the brand, text on the brand, and the brand as text on white (each caller gets its own copy). */
export function brandVariables(brandColor: string | null): Record<string, string> {
  const brand = brandColor && HEX.test(brandColor) ? brandColor.toLowerCase() : "#4f46e5";
  return { ...variablesOf(brand) };
}
