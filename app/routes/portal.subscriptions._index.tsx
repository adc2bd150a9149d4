import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { ActionForm, Notice, StatusBadge, SubmitButton } from "~/components/portal/ui";
import { resumeFromPortal } from "~/portal/actions.server";
import { notFoundResponse } from "~/portal/errors.server";
import { requirePage, requirePortalAction } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { noticeOf, redirectWithNotice } from "~/portal/notices.server";
import { subscriptionsData } from "~/portal/view-models.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "subscriptions");
  return json({ ...subscriptionsData(s), notice: noticeOf(request) }, { headers: NO_STORE });
}

export async function action({ request }: ActionFunctionArgs) {
  const s = await requirePortalAction(request, "subscriptions");
  const form = await request.formData();
  const id = form.get("id");
  if (form.get("intent") !== "resume" || typeof id !== "string") throw notFoundResponse();
  return redirectWithNotice("/portal/subscriptions", resumeFromPortal(s, { subscriptionId: id }));
}

export default function Subscriptions() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-subscriptions">
      <h1>{t("subscriptions.title")}</h1>
      <Notice notice={data.notice} />
      {data.subscriptions.length === 0 ? (
        <p className="muted">{t("subscriptions.none")}</p>
      ) : (
        <ul className="cards" aria-label={t("subscriptions.list")} data-testid="subscriptions-list">
          {data.subscriptions.map((s) => (
            <li key={s.id} data-testid={`subscription-${s.id}`} data-status={s.status} data-cancel-pending={s.cancelPendingOn ? "true" : "false"}>
              <div className="row-title">
                <h2>{s.plan}</h2>
                <StatusBadge status={s.cancelPendingOn ? "cancelPending" : s.status} />
              </div>
              <dl className="facts">
                <dt>{t("subscriptions.price")}</dt>
                <dd className="money">{t(`subscriptions.interval.${s.interval}`, { price: s.price, count: s.intervalCount })}</dd>
                <dt>{t("subscriptions.status")}</dt>
                <dd>{t(`status.${s.status}`)}</dd>
                <dt>{t("subscriptions.period")}</dt>
                <dd>{t("subscriptions.periodRange", { start: s.periodStart, end: s.periodEnd })}</dd>
                {s.nextRenewal ? (
                  <>
                    <dt>{t("subscriptions.nextRenewal")}</dt>
                    <dd>{s.nextRenewal}</dd>
                  </>
                ) : null}
              </dl>
              {s.cancelledOn ? <p className="muted">{t("subscriptions.cancelledOn", { date: s.cancelledOn })}</p> : null}
              {s.cancelPendingOn ? (
                <p className="callout" data-testid="cancel-pending">
                  {t("subscriptions.pendingBody", { date: s.cancelPendingOn })}
                </p>
              ) : null}
              <div className="row-actions">
                {s.canResume ? (
                  <ActionForm intent="resume" id={s.id}>
                    <SubmitButton name="id" value={s.id} testId={`resume-${s.id}`}>
                      {t("subscriptions.resume")}
                    </SubmitButton>
                  </ActionForm>
                ) : null}
                {s.canCancel ? (
                  <Link to={`/portal/subscriptions/${s.id}/cancel`} className="button secondary" data-testid={`cancel-${s.id}`}>
                    {t("subscriptions.cancel")}
                  </Link>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
