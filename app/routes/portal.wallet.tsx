import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { Balances, Pager, Section } from "~/components/portal/ui";
import { requirePage } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { walletData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "wallet");
  const cursor = new URL(request.url).searchParams.get("starting_after") || undefined;
  return json(walletData(s, cursor), { headers: NO_STORE });
}

export default function Wallet() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-wallet">
      <h1>{t("wallet.title")}</h1>
      <Section id="wallet-balances" title={t("wallet.balances")}>
        {data.wallets.length === 0 ? <p className="muted">{t("wallet.noBalances")}</p> : <Balances wallets={data.wallets} testId="wallet-balances" />}
      </Section>
      <Section id="wallet-ledger" title={t("wallet.ledger")}>
        {data.entries.length === 0 ? (
          <p className="muted">{t("wallet.noEntries")}</p>
        ) : (
          <ul className="cards" data-testid="wallet-ledger">
            {data.entries.map((e) => (
              <li key={e.id} className="payment-row" data-testid={`ledger-${e.id}`} data-type={e.type}>
                <div className="payment-main">
                  <strong>{e.reason ?? t(`wallet.${e.type}`)}</strong>
                  <span className="money">
                    {e.type === "debit" ? "−" : "+"}
                    {e.amount}
                  </span>
                </div>
                <dl className="facts">
                  <dt>{t("wallet.date")}</dt>
                  <dd>{e.date}</dd>
                  <dt>{t("wallet.type")}</dt>
                  <dd>{t(`wallet.${e.type}`)}</dd>
                  <dt>{t("wallet.balanceAfter")}</dt>
                  <dd className="money">{e.balanceAfter}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
        <Pager nextCursor={data.nextCursor} isFirstPage={data.isFirstPage} />
      </Section>
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
