/**
 * The download's file name, ASCII only so every browser keeps it: `<merchant-slug>-INV-000001.pdf`
 * (the slug is left out for the merchant's own API download).
 */
export function invoiceFilename(opts: { invoiceNumber: string; merchantSlug?: string | null }): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  const parts = [opts.merchantSlug ? safe(opts.merchantSlug) : "", safe(opts.invoiceNumber) || "invoice"].filter(Boolean);
  return `${parts.join("-")}.pdf`;
}

/** The headers of every invoice download: an attachment nobody caches or sniffs. */
export function invoiceHeaders(opts: { filename: string; byteLength: number }): Record<string, string> {
  return {
    "Content-Type": "application/pdf",
    "Content-Length": String(opts.byteLength),
    "Content-Disposition": `attachment; filename="${opts.filename}"`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
