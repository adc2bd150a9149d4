import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DomainError } from "~/models/errors.server";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ActionButton, Notice, PageHeader, Pager, StackTable, SubmitButton, Time } from "~/components/dashboard/ui";
import { when } from "~/dashboard/format.server";
import { formString } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { requireWebhookEndpoint, listDeliveryAttempts, resendEvent, sendTestEvent } from "~/models/webhook-endpoints.server";
import { writeTransaction } from "~/utils/db.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

/** Another merchant's endpoint, a deleted one and a missing one are all the same 404. */
function owned<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    // A pagination cursor that is not one of this endpoint's attempts is as missing as the endpoint.
    if (error instanceof DomainError && (error.kind === "not_found" || error.field === "starting_after")) throw dashboardError(404, "not_found");
    throw error;
  }
}

const PAGE_SIZE = 25;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "settings:read");
  const after = new URL(request.url).searchParams.get("after") ?? undefined;
  const endpoint = owned(() => requireWebhookEndpoint({ merchantId: s.merchant.id, id: params.id ?? "" }));
  const page = owned(() => listDeliveryAttempts({ merchantId: s.merchant.id, endpointId: endpoint.id, limit: PAGE_SIZE, startingAfter: after }));
  return json(
    {
      endpoint: { id: endpoint.id, url: endpoint.url, description: endpoint.description, events: endpoint.events },
      attempts: page.rows.map((a) => ({
        id: a.id,
        eventId: a.eventId,
        eventType: a.eventType,
        attempt: a.attempt,
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        error: a.error,
        delivered: a.delivered,
        at: when(a.createdAt, s.locale),
      })),
      next: page.hasMore ? page.rows[page.rows.length - 1].id : null,
      isFirstPage: !after,
      canEdit: s.can("webhooks:write"),
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "webhooks:write", context.clientIp);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const page = `/dashboard/settings/webhooks/${params.id}`;
  if (intent === "send_test") {
    owned(() => writeTransaction(() => sendTestEvent({ merchantId: s.merchant.id, endpointId: params.id ?? "", actor: s.actor })));
    return redirectWithNotice(page, "test_event_sent");
  }
  if (intent === "resend") {
    owned(() => writeTransaction(() => resendEvent({ merchantId: s.merchant.id, endpointId: params.id ?? "", eventId: formString(form, "event_id"), actor: s.actor })));
    return redirectWithNotice(page, "event_resent");
  }
  throw dashboardError(404, "not_found");
}

export default function EndpointDeliveries() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <div data-testid="page-endpoint">
      <p className="small">
        <Link to="/dashboard/settings/webhooks">← {t("dash.webhooks.title")}</Link>
      </p>
      <PageHeader title={t("dash.webhooks.endpointTitle")} description={data.endpoint.url}>
        {data.canEdit ? (
          <Form method="post">
            <input type="hidden" name="intent" value="send_test" />
            <SubmitButton variant="secondary" testId="send-test-event" pendingWhen={["intent", "send_test"]}>
              {t("dash.webhooks.sendTest")}
            </SubmitButton>
          </Form>
        ) : null}
      </PageHeader>
      <Notice notice={data.notice} />
      <h2 className="section-title">{t("dash.webhooks.log")}</h2>
      {data.attempts.length === 0 ? <p className="muted">{t("dash.webhooks.noDeliveries")}</p> : null}
      {data.attempts.length > 0 ? (
        <StackTable
          label={t("dash.webhooks.log")}
          testId="delivery-log"
          rows={data.attempts}
          rowData={(a) => ({ "data-testid": `attempt-${a.id}`, "data-event": a.eventId })}
          columns={[
            { key: "time", label: t("dash.webhooks.colTime"), cell: (a) => <Time {...a.at} /> },
            {
              key: "event",
              label: t("dash.webhooks.colEvent"),
              cell: (a) => (
                <div>
                  <code>{a.eventType}</code>
                  <span className="block muted small">{a.eventId}</span>
                </div>
              ),
            },
            { key: "attempt", label: t("dash.webhooks.colAttempt"), cell: (a) => a.attempt },
            {
              key: "status",
              label: t("dash.webhooks.colStatus"),
              cell: (a) => <span className={`badge ${a.delivered ? "good" : "bad"}`}>{a.statusCode ?? t("dash.webhooks.noStatus")}</span>,
            },
            { key: "duration", label: t("dash.webhooks.colDuration"), cell: (a) => t("dash.webhooks.ms", { ms: a.durationMs }) },
            { key: "error", label: t("dash.webhooks.colError"), className: "small", cell: (a) => a.error ?? "" },
            data.canEdit && {
              key: "actions",
              label: t("dash.webhooks.colActions"),
              header: <span className="visually-hidden">{t("dash.webhooks.colActions")}</span>,
              cell: (a) => <ActionButton fields={{ intent: "resend", event_id: a.eventId }} label={t("dash.webhooks.resend")} testId={`resend-${a.id}`} pendingWhen={["event_id", a.eventId]} />,
            },
          ]}
        />
      ) : null}
      <Pager newest={data.isFirstPage ? null : "?"} older={data.next ? `?after=${encodeURIComponent(data.next)}` : null} />
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
