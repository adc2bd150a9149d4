import { useTranslation } from "react-i18next";
import { MethodLabel, StatusBadge, type Method } from "./ui";

export type PaymentView = {
  id: string;
  date: string;
  firstItem: string | null;
  moreItems: number;
  amount: string;
  refunded: string | null;
  method: Method;
  status: string;
  invoiceNumber: string | null;
  invoiceUrl: string | null;
};

export function PaymentList({ payments, testId }: { payments: PaymentView[]; testId: string }) {
  const { t } = useTranslation();
  return (
    <ul className="cards" data-testid={testId}>
      {payments.map((p) => {
        const description = p.firstItem
          ? p.moreItems > 0
            ? t("billing.moreItems", { description: p.firstItem, count: p.moreItems })
            : p.firstItem
          : t("billing.noDescription");
        return (
          <li key={p.id} className="payment-row" data-testid={`payment-${p.id}`} data-status={p.status}>
            <div className="payment-main">
              <strong>{description}</strong>
              <span className="money" data-testid="payment-amount">
                {p.amount}
              </span>
            </div>
            <dl className="facts">
              <dt>{t("billing.date")}</dt>
              <dd>{p.date}</dd>
              <dt>{t("billing.method")}</dt>
              <dd>
                <MethodLabel method={p.method} />
              </dd>
              <dt>{t("billing.status")}</dt>
              <dd>
                <StatusBadge status={p.status} />
                {p.refunded ? (
                  <span className="muted small" data-testid="payment-refunded">
                    {" "}
                    {t("billing.refunded", { amount: p.refunded })}
                  </span>
                ) : null}
              </dd>
              <dt>{t("billing.invoice")}</dt>
              <dd>
                {p.invoiceUrl ? (
                  // A plain link: the PDF route answers with Content-Disposition: attachment.
                  <a href={p.invoiceUrl} data-testid="invoice-link" aria-label={t("billing.downloadNamed", { number: p.invoiceNumber })}>
                    {t("billing.download")}
                  </a>
                ) : (
                  <span className="muted">{t("billing.noInvoice")}</span>
                )}
              </dd>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}
