import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { PaymentList } from "~/components/portal/payments";
import { Pager } from "~/components/portal/ui";
import { requirePage } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { billingData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "billing");
  const cursor = new URL(request.url).searchParams.get("starting_after") || undefined;
  return json(billingData(s, cursor), { headers: NO_STORE });
}

export default function BillingHistory() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-billing">
      <h1>{t("billing.title")}</h1>
      {data.payments.length === 0 ? (
        <p className="muted" data-testid="billing-empty">
          {t("billing.none")}
        </p>
      ) : (
        <section aria-label={t("billing.list")}>
          <PaymentList payments={data.payments} testId="billing-list" />
        </section>
      )}
      <Pager nextCursor={data.nextCursor} isFirstPage={data.isFirstPage} />
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
