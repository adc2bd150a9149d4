/** `INV-000001`: six digits, zero-padded, growing past a million rather than wrapping. */
export function formatInvoiceNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`invalid invoice sequence: ${n}`);
  return `INV-${String(n).padStart(6, "0")}`;
}

export function parseInvoiceNumber(value: string): number | null {
  const match = /^INV-(\d{6,})$/.exec(value);
  return match ? Number(match[1]) : null;
}
