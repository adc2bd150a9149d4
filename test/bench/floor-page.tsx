/**
 * Floor B's page: a complete HTML document with a 20-row billing table, rendered with React's
 * renderToString — what the portal's billing page does, minus everything Portico adds (layout,
 * translations, routing, session, loaders). Formatters are built once, as any app would.
 */
import { renderToString } from "react-dom/server";

export type FloorPaymentRow = {
  id: string;
  created_at: number;
  invoice_number: string | null;
  amount: number;
  amount_refunded: number;
  currency: string;
  status: string;
};

const dates = new Intl.DateTimeFormat("ko", { dateStyle: "medium", timeZone: "UTC" });
const money = new Map<string, Intl.NumberFormat>();
const format = (amount: number, currency: string) => {
  let f = money.get(currency);
  if (!f) money.set(currency, (f = new Intl.NumberFormat("ko", { style: "currency", currency })));
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(amount / 10 ** digits);
};

function BillingPage({ rows }: { rows: FloorPaymentRow[] }) {
  return (
    <html lang="ko">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>결제 내역</title>
      </head>
      <body>
        <header>
          <nav>
            <a href="/portal">개요</a> <a href="/portal/billing">결제 내역</a> <a href="/portal/subscriptions">구독</a>
          </nav>
        </header>
        <main>
          <h1>결제 내역</h1>
          <table>
            <thead>
              <tr>
                <th scope="col">날짜</th>
                <th scope="col">청구서</th>
                <th scope="col">금액</th>
                <th scope="col">상태</th>
                <th scope="col">PDF</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{dates.format(r.created_at)}</td>
                  <td>{r.invoice_number ?? "—"}</td>
                  <td>
                    {format(r.amount, r.currency)}
                    {r.amount_refunded > 0 ? <small> (환불 {format(r.amount_refunded, r.currency)})</small> : null}
                  </td>
                  <td>{r.status}</td>
                  <td>{r.invoice_number ? <a href={`/portal/invoices/${r.id}`}>다운로드</a> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </main>
      </body>
    </html>
  );
}

export function renderBillingPage(rows: FloorPaymentRow[]) {
  return `<!DOCTYPE html>${renderToString(<BillingPage rows={rows} />)}`;
}
