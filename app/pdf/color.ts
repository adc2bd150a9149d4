/** WCAG relative luminance of a #rgb or #rrggbb color; null when it is not one. */
export function luminance(color: string): number | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())?.[1];
  if (!hex) return null;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of a color against white paper. */
export const contrastOnWhite = (color: string) => {
  const l = luminance(color);
  return l === null ? null : 1.05 / (l + 0.05);
};

/**
 * The brand color for the invoice's title when it is readable on white (≥ 3:1, WCAG's ratio for
 * large text), else the body text color: a pale brand color must not make the title vanish.
 */
export function titleColor(brandColor: string | null | undefined, fallback = "#111827"): string {
  if (!brandColor) return fallback;
  const ratio = contrastOnWhite(brandColor);
  return ratio !== null && ratio >= 3 ? brandColor.trim() : fallback;
}
