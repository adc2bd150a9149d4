import { useTranslation } from "react-i18next";

export type ChartPoint = { day: string; amount: number; label: string };

/**
 * Daily revenue as bars, drawn on the server as SVG (no chart script). The SVG has a title and a
 * description for screen readers, and the same figures follow as a table.
 */
export function RevenueChart({ currency, points, max }: { currency: string; points: ChartPoint[]; max: string }) {
  const { t } = useTranslation();
  const W = 720;
  const H = 200;
  const pad = { top: 10, bottom: 24, left: 4, right: 4 };
  const top = Math.max(1, ...points.map((p) => p.amount));
  const slot = (W - pad.left - pad.right) / Math.max(1, points.length);
  const barW = Math.max(1, slot * 0.7);
  const plotH = H - pad.top - pad.bottom;
  const id = `chart-${currency}`;
  const total = points.reduce((s, p) => s + p.amount, 0);
  return (
    <figure className="chart" data-testid={`revenue-chart-${currency}`}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="none" className="chart-svg">
        <title id={`${id}-title`}>{t("dash.overview.chartTitle", { currency })}</title>
        <desc id={`${id}-desc`}>{t("dash.overview.chartDesc", { days: points.length, max, from: points[0]?.day ?? "", to: points.at(-1)?.day ?? "" })}</desc>
        <line x1={pad.left} x2={W - pad.right} y1={H - pad.bottom} y2={H - pad.bottom} className="chart-axis" />
        {points.map((p, i) => {
          const h = total === 0 ? 0 : Math.round((p.amount / top) * plotH);
          return <rect key={p.day} x={pad.left + i * slot + (slot - barW) / 2} y={H - pad.bottom - h} width={barW} height={h} className="chart-bar" data-day={p.day} data-amount={p.amount} />;
        })}
        {[0, Math.floor(points.length / 2), points.length - 1].filter((i) => points[i]).map((i) => (
          <text key={i} x={Math.min(W - 40, Math.max(30, pad.left + i * slot))} y={H - 6} className="chart-label" textAnchor="middle">
            {points[i].day.slice(5)}
          </text>
        ))}
      </svg>
      <figcaption className="muted small">{t("dash.overview.chartCaption", { max })}</figcaption>
      <details>
        <summary>{t("dash.overview.chartTable")}</summary>
        <div className="table-wrap">
          <table className="table" data-testid={`revenue-table-${currency}`}>
            <thead>
              <tr>
                <th scope="col">{t("dash.overview.day")}</th>
                <th scope="col">{t("dash.overview.revenue")}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.day}>
                  <td>{p.day}</td>
                  <td>{p.label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
