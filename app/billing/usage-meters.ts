import { UNBOUNDED_PERIOD_START, type Interval } from "./periods";

/**
 * One entitlement, ready to show: numbers and dates already formatted for the page's locale on
 * the server. The portal's usage page and the dashboard's Usage tab both build these with
 * `usageMeterView`, from the entitlement states of app/models/entitlements.server.ts.
 */
export type UsageMeterView = {
  feature: string;
  name: string;
  unit: string | null;
  used: number;
  limit: number | null;
  usedLabel: string;
  limitLabel: string | null;
  /** When the current period ends (null: the entitlement never resets). */
  resetsOn: string | null;
  /** When the current period began (null: never resets, so one period that has always run). */
  periodStart: string | null;
  resetInterval: Interval | null;
  /** At or past the limit. */
  reached: boolean;
  /** A limit of 0 with nothing used: the feature is switched off (Autumn's boolean feature, off). */
  off: boolean;
};

/** What the view needs of an entitlement state (app/models/entitlements.server.ts's EntitlementState). */
export type MeterSource = {
  entitlement: { feature: string; name: string | null; unit: string | null; limit: number | null; resetInterval: Interval | null };
  used: number;
  periodStart: Date;
  resetsAt: Date | null;
};

// Building an Intl.NumberFormat costs ~20 µs, formatting with one ~0.5 µs: keep one per locale.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string) {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    if (numberFormats.size < 100) numberFormats.set(locale, format);
  }
  return format;
}

/** A meter in `locale`; dates as the surface writes them (the portal and the dashboard differ). */
export function usageMeterView(s: MeterSource, locale: string, formatDate: (d: Date) => string): UsageMeterView {
  const e = s.entitlement;
  const number = numberFormat(locale);
  const off = e.limit === 0 && s.used <= 0;
  return {
    feature: e.feature,
    name: e.name ?? e.feature,
    unit: e.unit,
    used: s.used,
    limit: e.limit,
    usedLabel: number.format(s.used),
    limitLabel: e.limit === null ? null : number.format(e.limit),
    resetsOn: s.resetsAt ? formatDate(s.resetsAt) : null,
    periodStart: s.periodStart.getTime() === UNBOUNDED_PERIOD_START.getTime() ? null : formatDate(s.periodStart),
    resetInterval: e.resetInterval,
    reached: !off && e.limit !== null && s.used >= e.limit,
    off,
  };
}
