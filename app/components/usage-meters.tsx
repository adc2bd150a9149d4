import { useId } from "react";
import { useTranslation } from "react-i18next";

/**
 * One entitlement, ready to show: numbers and dates already formatted for the page's locale on
 * the server (the portal's usage page and the dashboard's Usage tab both build these).
 */
export type UsageMeterView = {
  feature: string;
  name: string;
  unit: string | null;
  used: number;
  limit: number | null;
  usedLabel: string;
  limitLabel: string | null;
  resetsOn: string | null;
  /** At or past the limit. */
  reached: boolean;
};

/**
 * A meter per entitlement: name, "used of limit unit", a bar exposed as an ARIA `meter` with its
 * values, and when it resets. Reaching the limit is said in words, not only in colour. An
 * unlimited entitlement has no maximum, so it is a count, not a meter.
 */
export function UsageMeters({ meters, testId = "usage-meters" }: { meters: UsageMeterView[]; testId?: string }) {
  return (
    <ul className="usage-meters" data-testid={testId}>
      {meters.map((m) => (
        <UsageMeter key={m.feature} meter={m} />
      ))}
    </ul>
  );
}

function UsageMeter({ meter: m }: { meter: UsageMeterView }) {
  const { t } = useTranslation();
  const nameId = useId();
  const amounts =
    m.limitLabel === null
      ? t(m.unit ? "usage.usedUnlimitedUnit" : "usage.usedUnlimited", { used: m.usedLabel, unit: m.unit })
      : t(m.unit ? "usage.usedOfLimitUnit" : "usage.usedOfLimit", { used: m.usedLabel, limit: m.limitLabel, unit: m.unit });
  const share = m.limit === null ? 0 : m.limit === 0 ? 1 : Math.min(1, Math.max(0, m.used / m.limit));
  return (
    <li className={`usage-meter${m.reached ? " reached" : ""}`} data-testid={`usage-${m.feature}`} data-reached={m.reached || undefined}>
      <div className="usage-meter-head">
        <h2 className="usage-meter-name" id={nameId}>
          {m.name}
        </h2>
        {m.reached ? <span className="badge bad">{t("usage.reached")}</span> : null}
      </div>
      <p className="usage-meter-amounts money">{amounts}</p>
      {m.limit !== null ? (
        <div
          className="usage-meter-bar"
          role="meter"
          aria-labelledby={nameId}
          aria-valuemin={0}
          aria-valuemax={m.limit}
          aria-valuenow={Math.min(Math.max(m.used, 0), m.limit)}
          aria-valuetext={amounts}
          data-testid={`meter-${m.feature}`}
        >
          <span className="usage-meter-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </div>
      ) : null}
      <p className="usage-meter-reset muted small">{m.resetsOn ? t("usage.resetsOn", { date: m.resetsOn }) : t("usage.noReset")}</p>
    </li>
  );
}
