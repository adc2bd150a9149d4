import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { UsageMeters } from "~/components/usage-meters";
import { NO_STORE } from "~/portal/http.server";
import { requirePage } from "~/portal/guards.server";
import { usageData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "usage");
  return json(usageData(s), { headers: NO_STORE });
}

export default function Usage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-usage">
      <h1>{t("usage.title")}</h1>
      <p className="muted">{t("usage.intro")}</p>
      {data.meters.length === 0 ? <p className="muted">{t("usage.none")}</p> : <UsageMeters meters={data.meters} />}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
