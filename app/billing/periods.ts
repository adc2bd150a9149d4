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
