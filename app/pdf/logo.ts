import type { InvoiceLogo } from "./invoice-data";

/** A logo bigger than this is left out: the PDF must stay small. */
export const MAX_LOGO_BYTES = 256 * 1024;

const DATA_URL = /^data:image\/(png|jpeg|jpg);base64,([A-Za-z0-9+/=\s]+)$/i;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * The merchant's logo when `logo_url` is a PNG or JPEG data URL whose bytes really are one;
 * null for anything else. An https logo is never fetched: a render must not depend on the
 * network, and a failed fetch would be cached into an issued invoice for good.
 */
export function logoFromUrl(url: string | null | undefined): InvoiceLogo | null {
  if (!url) return null;
  const match = DATA_URL.exec(url.trim());
  if (!match) return null;
  const data = Buffer.from(match[2].replace(/\s+/g, ""), "base64");
  if (data.byteLength === 0 || data.byteLength > MAX_LOGO_BYTES) return null;
  const declared = match[1].toLowerCase() === "png" ? "png" : "jpg";
  const actual = data.subarray(0, 8).equals(PNG_MAGIC) ? "png" : data.subarray(0, 3).equals(JPEG_MAGIC) ? "jpg" : null;
  if (!actual || actual !== declared) return null;
  return { data, format: actual };
}
