import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { UpdateLicenseKeySchema } from "~/schemas/billing";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorText, Field, Pager, SubmitButton, Time, type FieldErrors } from "~/components/dashboard/ui";
import { afterParam, formFailure, olderLink, requireStaffCustomer, runAction, TAB_PAGE_SIZE, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { deactivateInstance, licenseStatus, listInstances, listLicenseKeys, requireLicenseKey, updateLicenseKey } from "~/models/license-keys.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

// A key shows its first and last group only: staff rarely need the whole key, and screens are shared.
const masked = (key: string) => (key.length > 12 ? `${key.slice(0, 5)}…${key.slice(-5)}` : key);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const after = afterParam(request);
  const page = tabPage(() => listLicenseKeys({ merchantId: s.merchant.id, customerId: customer.id, limit: TAB_PAGE_SIZE, startingAfter: after }));
  return json(
    {
      keys: page.rows.map(({ licenseKey: k, activationsCount }) => ({
        id: k.id,
        key: masked(k.key),
        status: licenseStatus(k),
        stored: k.status,
        activationsCount,
        activationsLimit: k.activationsLimit,
        atLimit: k.activationsLimit !== null && activationsCount >= k.activationsLimit,
        expiresAt: when(k.expiresAt, s.locale),
        expiresDate: k.expiresAt ? k.expiresAt.toISOString().slice(0, 10) : "",
        createdAt: when(k.createdAt, s.locale),
        instances: listInstances({ merchantId: s.merchant.id, customerId: customer.id, licenseKeyId: k.id, limit: 100 }).rows.map((i) => ({
          id: i.id,
          name: i.name,
          createdAt: when(i.createdAt, s.locale),
          lastValidatedAt: when(i.lastValidatedAt, s.locale),
        })),
      })),
      older: olderLink(request, page.hasMore, page.rows.at(-1)?.licenseKey.id),
      newest: after ? new URL(request.url).pathname : null,
      canWrite: s.can("subscriptions:write"),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "subscriptions:write", context.clientIp);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const customer = requireStaffCustomer(s, params.id);
  const licenseKeyId = formString(form, "license_key_id");
  // Another customer's (or merchant's) key is this page's 404.
  const { licenseKey } = tabPage(() => requireLicenseKey({ merchantId: s.merchant.id, customerId: customer.id, id: licenseKeyId }));
  const page = new URL(request.url).pathname;
  const fail = (errors: FieldErrors, values?: Record<string, string>) => formFailure(errors, { intent, licenseKeyId, values });
  const update = (patch: Parameters<typeof updateLicenseKey>[0]["patch"]) => runAction(() => updateLicenseKey({ merchantId: s.merchant.id, id: licenseKey.id, patch, actor: s.actor }));

  if (intent === "enable" || intent === "disable") {
    const done = update({ status: intent === "enable" ? "active" : "disabled" });
    if (!done.ok) return fail(done.errors);
    return redirectWithNotice(page, "license_key_saved");
  }
  if (intent === "limits") {
    const values = { activations_limit: formString(form, "activations_limit"), expires_at: formString(form, "expires_at") };
    const limit = values.activations_limit.trim() === "" ? null : /^\d{1,7}$/.test(values.activations_limit.trim()) ? Number(values.activations_limit) : Number.NaN;
    const parsed = UpdateLicenseKeySchema.safeParse({ activations_limit: limit, expires_at: values.expires_at.trim() === "" ? null : values.expires_at.trim() });
    if (!parsed.success) return fail(zodFieldErrors(parsed.error), values);
    const done = update(parsed.data);
    if (!done.ok) return fail(done.errors, values);
    return redirectWithNotice(page, "license_key_saved");
  }
  if (intent === "deactivate") {
    const done = runAction(() => deactivateInstance({ merchantId: s.merchant.id, customerId: customer.id, instanceId: formString(form, "instance_id"), actor: s.actor }));
    if (!done.ok) return fail(done.errors);
    return redirectWithNotice(page, "instance_deactivated");
  }
  throw dashboardError(404, "not_found");
}

type Acted = { errors?: FieldErrors; intent?: string; licenseKeyId?: string; values?: Record<string, string> } | undefined;

export default function CustomerLicenseKeys() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as Acted;
  const { t } = useTranslation();
  return (
    <section aria-labelledby="keys-title" data-testid="tab-panel-license-keys">
      <h2 id="keys-title" className="section-title">
        {t("dash.customer.tabs.license-keys")}
      </h2>
      {data.keys.length === 0 ? <p className="muted">{t("dash.customer.noKeys")}</p> : null}
      <ul className="rows" data-testid="license-key-list">
        {data.keys.map((k) => {
          const mine = acted?.licenseKeyId === k.id ? acted : undefined;
          return (
            <li key={k.id} data-testid={`license-key-${k.id}`}>
              <div className="row-main">
                <code>{k.key}</code>
                <span className={`badge ${k.status === "active" ? "good" : k.status === "disabled" ? "bad" : "neutral"}`} data-testid={`license-status-${k.id}`}>
                  {t(`dash.customer.keyStatus.${k.status}`)}
                </span>
                {k.atLimit ? <span className="badge warn">{t("dash.customer.atLimit")}</span> : null}
                <p className="small" data-testid={`license-usage-${k.id}`}>
                  {k.activationsLimit === null ? t("dash.customer.activationsUnlimited", { count: k.activationsCount }) : t("dash.customer.activations", { count: k.activationsCount, limit: k.activationsLimit })}
                  {" · "}
                  {k.expiresAt.iso ? (
                    <>
                      {t("dash.customer.expires")} <Time {...k.expiresAt} />
                    </>
                  ) : (
                    t("dash.customer.noExpiry")
                  )}
                </p>
                <ErrorText id={`key-error-${k.id}`} error={mine?.errors?.form} testId={`license-error-${k.id}`} />
                {k.instances.length > 0 ? (
                  <ul className="instance-list">
                    {k.instances.map((i) => (
                      <li key={i.id} data-testid={`instance-${i.id}`}>
                        <span>
                          {i.name} · <Time {...i.createdAt} />
                        </span>
                        {data.canWrite ? (
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="intent" value="deactivate" />
                            <input type="hidden" name="license_key_id" value={k.id} />
                            <input type="hidden" name="instance_id" value={i.id} />
                            <SubmitButton variant="secondary" small testId={`deactivate-${i.id}`} pendingWhen={["instance_id", i.id]}>
                              {t("dash.customer.deactivate")}
                            </SubmitButton>
                          </Form>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
              {data.canWrite ? (
                <div className="row-actions">
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value={k.stored === "disabled" ? "enable" : "disable"} />
                    <input type="hidden" name="license_key_id" value={k.id} />
                    <SubmitButton variant={k.stored === "disabled" ? "secondary" : "danger"} small testId={`toggle-${k.id}`} pendingWhen={["license_key_id", k.id]}>
                      {k.stored === "disabled" ? t("dash.customer.enable") : t("dash.customer.disable")}
                    </SubmitButton>
                  </Form>
                  <details className="row-form" open={mine?.intent === "limits" ? true : undefined}>
                    <summary className="button secondary small" data-testid={`limits-${k.id}`}>
                      {t("dash.customer.changeLimits")}
                    </summary>
                    <Form method="post" className="form" noValidate>
                      <input type="hidden" name="intent" value="limits" />
                      <input type="hidden" name="license_key_id" value={k.id} />
                      <Field
                        name="activations_limit"
                        label={t("dash.customer.activationsLimit")}
                        hint={t("dash.customer.activationsLimitHint")}
                        defaultValue={mine?.values?.activations_limit ?? (k.activationsLimit === null ? "" : String(k.activationsLimit))}
                        errors={mine?.errors}
                        idPrefix={`key-${k.id}`}
                        inputMode="numeric"
                      />
                      <Field
                        name="expires_at"
                        type="date"
                        label={t("dash.customer.expiresAt")}
                        hint={t("dash.customer.expiresAtHint")}
                        defaultValue={mine?.values?.expires_at ?? k.expiresDate}
                        errors={mine?.errors}
                        idPrefix={`key-${k.id}`}
                      />
                      <div>
                        <SubmitButton testId={`limits-submit-${k.id}`} pendingWhen={["license_key_id", k.id]}>
                          {t("dash.ui.save")}
                        </SubmitButton>
                      </div>
                    </Form>
                  </details>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Pager newest={data.newest} older={data.older} />
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
