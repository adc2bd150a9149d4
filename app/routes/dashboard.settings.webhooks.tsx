import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { webhookEventTypes } from "#db/schema/webhooks";
import { CreateWebhookEndpointSchema } from "~/schemas/webhooks";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ConfirmAction, ErrorSummary, ErrorText, Field, FormSubmit, Notice, PageHeader, Rows, SecretOnce, Time, TitledSection, type FieldErrors } from "~/components/dashboard/ui";
import { when } from "~/dashboard/format.server";
import { domainFieldErrors, formString, isNotFound, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffForm } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { assertWebhookUrlAllowed, createWebhookEndpoint, deleteWebhookEndpoint, listWebhookEndpoints, MAX_ENDPOINTS_PER_MERCHANT } from "~/models/webhook-endpoints.server";
import { writeTransaction } from "~/utils/db.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "settings:read");
  const page = listWebhookEndpoints({ merchantId: s.merchant.id, limit: MAX_ENDPOINTS_PER_MERCHANT });
  return json(
    {
      endpoints: page.rows.map((e) => ({ id: e.id, url: e.url, events: e.events, description: e.description, createdAt: when(e.createdAt, s.locale) })),
      eventTypes: [...webhookEventTypes],
      canEdit: s.can("webhooks:write"),
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { s, form, intent } = await requireStaffForm(request, "webhooks:write", context.clientIp);
  if (intent === "delete") {
    const id = formString(form, "endpoint_id");
    try {
      writeTransaction(() => deleteWebhookEndpoint({ merchantId: s.merchant.id, id, actor: s.actor }));
    } catch (error) {
      if (isNotFound(error)) throw dashboardError(404, "not_found");
      throw error;
    }
    return redirectWithNotice("/dashboard/settings/webhooks", "endpoint_deleted");
  }
  if (intent !== "create") throw dashboardError(404, "not_found");
  const events = form.getAll("events").filter((v): v is string => typeof v === "string");
  const values = { url: formString(form, "url"), description: formString(form, "description"), events };
  // The API's schema: no event ticked means every event, as when the API call leaves it out.
  const parsed = CreateWebhookEndpointSchema.safeParse({ url: values.url, description: values.description || null, ...(events.length ? { events } : {}) });
  if (!parsed.success) return json({ values, errors: zodFieldErrors(parsed.error) as FieldErrors, created: null }, { status: 400, headers: NO_STORE });
  try {
    await assertWebhookUrlAllowed(parsed.data.url);
  } catch (error) {
    const errors = domainFieldErrors(error);
    if (!errors) throw error;
    return json({ values, errors, created: null }, { status: 400, headers: NO_STORE });
  }
  await requireRecentAuth(s, form);
  try {
    const endpoint = writeTransaction(() => createWebhookEndpoint({ merchantId: s.merchant.id, input: parsed.data, actor: s.actor }));
    // The signing secret is shown in this response only.
    return json({ values: null, errors: null, created: { id: endpoint.id, url: endpoint.url, secret: endpoint.secret } }, { status: 201, headers: NO_STORE });
  } catch (error) {
    const errors = domainFieldErrors(error);
    if (!errors) throw error;
    return json({ values, errors, created: null }, { status: 400, headers: NO_STORE });
  }
}

export default function WebhooksPage() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const errors: FieldErrors | undefined = acted?.errors ?? undefined;
  const values = acted?.values;
  return (
    <div data-testid="page-webhooks">
      <PageHeader title={t("dash.webhooks.title")} description={t("dash.webhooks.intro")} />
      <Notice notice={data.notice} />
      {acted?.created ? (
        <SecretOnce testId="new-endpoint" title={t("dash.webhooks.createdTitle")} body={t("dash.webhooks.createdBody", { url: acted.created.url })} secret={acted.created.secret} />
      ) : null}
      <TitledSection id="endpoints" title={t("dash.webhooks.listTitle")} empty={data.endpoints.length === 0 ? t("dash.webhooks.none") : null} className="section">
        <Rows
          items={data.endpoints}
          testId="endpoint"
          main={(e) => (
            <>
              <Link to={`/dashboard/settings/webhooks/${e.id}`} className="url" data-testid={`endpoint-link-${e.id}`}>
                {e.url}
              </Link>
              {e.description ? <p className="muted small">{e.description}</p> : null}
              <p className="small">{e.events.length === data.eventTypes.length ? t("dash.webhooks.allEvents") : e.events.join(", ")}</p>
              <p className="muted small">
                {t("dash.webhooks.created")} <Time {...e.createdAt} />
              </p>
            </>
          )}
          actions={(e) => (
            <>
              <Link to={`/dashboard/settings/webhooks/${e.id}`} className="button secondary small">
                {t("dash.webhooks.deliveries")}
              </Link>
              {data.canEdit ? (
                <ConfirmAction
                  fields={{ intent: "delete", endpoint_id: e.id }}
                  label={t("dash.webhooks.delete")}
                  title={t("dash.webhooks.deleteTitle")}
                  body={t("dash.webhooks.deleteBody", { url: e.url })}
                  confirmLabel={t("dash.webhooks.delete")}
                  testId={`delete-${e.id}`}
                />
              ) : null}
            </>
          )}
        />
      </TitledSection>
      {data.canEdit ? (
        <TitledSection id="create-endpoint" title={t("dash.webhooks.createTitle")} className="section card">
          <ErrorSummary errors={errors} />
          <Form method="post" className="form" noValidate key={acted?.created?.id ?? "form"}>
            <input type="hidden" name="intent" value="create" />
            <Field name="url" label={t("dash.webhooks.url")} hint={t("dash.webhooks.urlHint")} defaultValue={values?.url} errors={errors} idPrefix="wh" inputMode="url" />
            <Field name="description" label={t("dash.webhooks.description")} defaultValue={values?.description} errors={errors} idPrefix="wh" maxLength={1000} />
            <fieldset aria-describedby="wh-events-hint">
              <legend>{t("dash.webhooks.events")}</legend>
              <p className="hint" id="wh-events-hint">
                {t("dash.webhooks.eventsHint")}
              </p>
              {data.eventTypes.map((type) => (
                <div className="check" key={type}>
                  <input type="checkbox" id={`wh-event-${type}`} name="events" value={type} defaultChecked={values?.events.includes(type)} data-testid={`event-${type}`} />
                  <label htmlFor={`wh-event-${type}`}>
                    <code>{type}</code>
                  </label>
                </div>
              ))}
              <ErrorText id="wh-events-error" error={errors?.events} />
            </fieldset>
            <FormSubmit label={t("dash.webhooks.create")} testId="create-endpoint" />
          </Form>
        </TitledSection>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
