/**
 * ISO 4217 minor units. Amounts are always integers in the currency's minor unit; the exponent
 * only decides how an integer is shown (KRW 5000 → ₩5,000; USD 5000 → $50.00; KWD 5000 → 5.000).
 * The runtime's ICU data is the source, so any code Intl formats has a known exponent.
 */
const exponents = new Map<string, number>();

export function minorUnitExponent(currency: string): number {
  const code = currency.toUpperCase();
  let exponent = exponents.get(code);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
      .maximumFractionDigits ?? 2;
    exponents.set(code, exponent);
  }
  return exponent;
}

/** Integer minor units → a decimal string in major units, exact (no float): 12345 USD → "123.45". */
export function toMajorUnitString(amount: number, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? "" : `.${digits.slice(-exponent)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

// Building an Intl.NumberFormat costs ~20 µs, formatting with one ~0.5 µs: keep one per pair.
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** The one way money is shown: integer minor units formatted for a locale. */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const code = currency.toUpperCase();
  const exponent = minorUnitExponent(code);
  const cacheKey = `${locale}|${code}`;
  let format = moneyFormats.get(cacheKey);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency: code,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    // Locales and currencies come from small fixed sets; the bound only guards against abuse.
    if (moneyFormats.size < 1000) moneyFormats.set(cacheKey, format);
  }
  // The string form is exact: Intl.NumberFormat accepts decimal strings without going through a float.
  return format.format(toMajorUnitString(amount, code) as unknown as number);
}

/**
 * A decimal amount as a person types it in major units ("12.5", "1,000") → integer minor units,
 * exact (no float), or null when it is not a positive amount the currency can hold (too many
 * decimals for its minor unit, not a number).
 */
export function parseMajorUnits(input: string, currency: string): number | null {
  const text = input.trim().replace(/[,\s_]/g, "");
  const m = /^(\d{1,15})(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const exponent = minorUnitExponent(currency);
  const fraction = (m[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) return null;
  const value = Number(m[1] + fraction.padEnd(exponent, "0"));
  return Number.isSafeInteger(value) ? value : null;
}
