export type Interval = "day" | "week" | "month" | "year";

/** Stripe's bound: a billing period is at most one year. */
export const MAX_INTERVAL_COUNT: Record<Interval, number> = { day: 365, week: 52, month: 12, year: 1 };

/**
 * The end of a period that starts at `start`, in UTC calendar terms. Months clamp to the last day
 * (Jan 31 + 1 month = Feb 28/29), as card billing does, instead of spilling into the next month.
 */
export function addInterval(start: Date, interval: Interval, count: number): Date {
  const d = new Date(start.getTime());
  if (interval === "day") return new Date(d.getTime() + count * 86_400_000);
  if (interval === "week") return new Date(d.getTime() + count * 7 * 86_400_000);
  const months = interval === "month" ? count : count * 12;
  const targetMonth = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()),
  );
}

/** The start of the one endless period of an entitlement without reset_interval. */
export const UNBOUNDED_PERIOD_START = new Date(-8.64e15);

/**
 * The period that contains `at`, for periods that repeat every `interval` from `anchor` (in both
 * directions: an anchor in the future still tiles the time before it). Period n starts at
 * addInterval(anchor, interval, n), always counted from the anchor, so a Jan 31 anchor gives
 * Feb 28, Mar 31, Apr 30 — months clamp as subscriptions' do and never drift. Without an
 * interval there is one period that never ends.
 */
export function periodContaining(anchor: Date, interval: Interval | null, at: Date): { start: Date; end: Date | null } {
  if (!interval) return { start: UNBOUNDED_PERIOD_START, end: null };
  const nth = (n: number) => (n === 0 ? new Date(anchor.getTime()) : addInterval(anchor, interval, n));
  const diffMs = at.getTime() - anchor.getTime();
  let n: number;
  if (interval === "day" || interval === "week") {
    n = Math.floor(diffMs / ((interval === "day" ? 1 : 7) * 86_400_000));
  } else {
    const months = (at.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + at.getUTCMonth() - anchor.getUTCMonth();
    n = Math.floor(months / (interval === "year" ? 12 : 1));
  }
  // The estimate is off by at most one either way (the day of the month, the time of day).
  while (nth(n).getTime() > at.getTime()) n--;
  while (nth(n + 1).getTime() <= at.getTime()) n++;
  return { start: nth(n), end: nth(n + 1) };
}
