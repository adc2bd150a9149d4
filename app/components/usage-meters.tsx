import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { UsageMeterView } from "~/billing/usage-meters";

export type { UsageMeterView } from "~/billing/usage-meters";

/**
 * A meter per entitlement: name, "used of limit unit", a bar exposed as an ARIA `meter` with its
 * values, and when it resets. Reaching the limit is said in words, not only in colour. An
 * unlimited entitlement has no maximum, so it is a count, not a meter; a limit of 0 with nothing
 * used is a switched-off feature, said in words. `showPeriod` (the dashboard's Usage tab) adds
 * the current period's start and end and the reset interval; `headingLevel` fits the page's outline.
 */
export function UsageMeters({ meters, testId = "usage-meters", headingLevel = 2, showPeriod = false }: { meters: UsageMeterView[]; testId?: string; headingLevel?: 2 | 3; showPeriod?: boolean }) {
  return (
    <ul className="usage-meters" data-testid={testId}>
      {meters.map((m) => (
        <UsageMeter key={m.feature} meter={m} headingLevel={headingLevel} showPeriod={showPeriod} />
      ))}
    </ul>
  );
}

function UsageMeter({ meter: m, headingLevel, showPeriod }: { meter: UsageMeterView; headingLevel: 2 | 3; showPeriod: boolean }) {
  const { t } = useTranslation();
  const nameId = useId();
  const Heading = headingLevel === 3 ? "h3" : "h2";
  const amounts = m.off
    ? t("usage.off")
    : m.limitLabel === null
      ? t(m.unit ? "usage.usedUnlimitedUnit" : "usage.usedUnlimited", { used: m.usedLabel, unit: m.unit })
      : t(m.unit ? "usage.usedOfLimitUnit" : "usage.usedOfLimit", { used: m.usedLabel, limit: m.limitLabel, unit: m.unit });
  const share = m.limit === null ? 0 : m.limit === 0 ? 1 : Math.min(1, Math.max(0, m.used / m.limit));
  return (
    <li className={`usage-meter${m.reached ? " reached" : ""}`} data-testid={`usage-${m.feature}`} data-reached={m.reached || undefined} data-off={m.off || undefined}>
      <div className="usage-meter-head">
        <Heading className="usage-meter-name" id={nameId}>
          {m.name}
        </Heading>
        {m.reached ? <span className="badge bad">{t("usage.reached")}</span> : null}
      </div>
      <p className="usage-meter-amounts money" data-testid={`usage-amounts-${m.feature}`}>
        {amounts}
      </p>
      {m.limit !== null && !m.off ? (
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
      {showPeriod ? (
        <p className="usage-meter-reset muted small" data-testid={`usage-period-${m.feature}`}>
          {m.resetInterval && m.periodStart && m.resetsOn ? (
            <>
              {t(`usage.interval.${m.resetInterval}`)}
              {" · "}
              {t("usage.period", { start: m.periodStart, end: m.resetsOn })}
            </>
          ) : (
            t("usage.allTime")
          )}
        </p>
      ) : (
        <p className="usage-meter-reset muted small">{m.resetsOn ? t("usage.resetsOn", { date: m.resetsOn }) : t("usage.noReset")}</p>
      )}
    </li>
  );
}
