/**
 * Payment arithmetic in integer minor units. Lines can reach 10^12 × 10^6 and the tax product
 * another 10^4 on top, past 2^53, so the arithmetic runs in BigInt and the results are checked
 * back into safe integers.
 */
export const MAX_UNIT_AMOUNT = 1_000_000_000_000;
export const MAX_QUANTITY = 1_000_000;
export const MAX_TAX_RATE_BPS = 10_000;

export type LineInput = { quantity: number; unit_amount: number; tax_rate_bps?: number };
export type PricedLine = LineInput & { tax_rate_bps: number; amount: number; tax: number };
export type Totals = { lines: PricedLine[]; subtotal: number; tax: number; amount: number };

/** numerator / denominator rounded half away from zero, exactly. */
export function divideRoundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const quotient = (n * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

/** Tax of one line: round(line × bps / 10000), half away from zero, in minor units. */
export function lineTax(lineAmount: bigint, taxRateBps: number): bigint {
  return divideRoundHalfAwayFromZero(lineAmount * BigInt(taxRateBps), 10_000n);
}

export class AmountOverflowError extends Error {}

function toSafe(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new AmountOverflowError("amount is too large");
  return Number(value);
}

/** subtotal = Σ quantity × unit_amount; tax = Σ per-line tax; amount = subtotal + tax. */
export function priceLines(items: LineInput[]): Totals {
  let subtotal = 0n;
  let tax = 0n;
  const lines = items.map((item) => {
    const bps = item.tax_rate_bps ?? 0;
    const line = BigInt(item.quantity) * BigInt(item.unit_amount);
    const t = lineTax(line, bps);
    subtotal += line;
    tax += t;
    return { ...item, tax_rate_bps: bps, amount: toSafe(line), tax: toSafe(t) };
  });
  return { lines, subtotal: toSafe(subtotal), tax: toSafe(tax), amount: toSafe(subtotal + tax) };
}

/** A subscription's amount per period: the product's price × quantity, range-checked. */
export function subscriptionAmount(price: number, quantity: number): number {
  return toSafe(BigInt(price) * BigInt(quantity));
}

/** What a refund may take: the rest by default, never more than what remains. */
export function refundableAmount(payment: { amount: number; amount_refunded: number }): number {
  return Math.max(0, payment.amount - payment.amount_refunded);
}

/** The status a payment rolls up to after refunds. */
export function statusAfterRefund(amount: number, amountRefunded: number): "succeeded" | "partially_refunded" | "refunded" {
  if (amountRefunded <= 0) return "succeeded";
  return amountRefunded >= amount ? "refunded" : "partially_refunded";
}
