import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { UpdateLicenseKeySchema } from "~/schemas/billing";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ActionButton, ErrorText, Field, FormDisclosure, Pager, Rows, Time, type FieldErrors } from "~/components/dashboard/ui";
import { customerTabPage, formFailure, requireCustomerTab, requireCustomerTabAction, runAction, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { deactivateInstance, licenseStatus, listInstances, listLicenseKeys, requireLicenseKey, updateLicenseKey } from "~/models/license-keys.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

// A key shows its first and last group only: staff rarely need the whole key, and screens are shared.
const masked = (key: string) => (key.length > 12 ? `${key.slice(0, 5)}…${key.slice(-5)}` : key);

export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const page = customerTabPage(args.request, scope, listLicenseKeys, (row) => row.licenseKey.id);
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
        instances: listInstances({ ...scope, licenseKeyId: k.id, limit: 100 }).rows.map((i) => ({
          id: i.id,
          name: i.name,
          createdAt: when(i.createdAt, s.locale),
          lastValidatedAt: when(i.lastValidatedAt, s.locale),
        })),
      })),
      pager: page.pager,
      canWrite: s.can("subscriptions:write"),
    },
    { headers: NO_STORE },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { s, form, intent, scope, page } = await requireCustomerTabAction(args, "subscriptions:write");
  const licenseKeyId = formString(form, "license_key_id");
  // Another customer's (or merchant's) key is this page's 404.
  const { licenseKey } = tabPage(() => requireLicenseKey({ ...scope, id: licenseKeyId }));
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
    const done = runAction(() => deactivateInstance({ ...scope, instanceId: formString(form, "instance_id"), actor: s.actor }));
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
  const mineOf = (id: string) => (acted?.licenseKeyId === id ? acted : undefined);
  return (
    <CustomerTabPanel tab="license-keys" empty={data.keys.length === 0 ? t("dash.customer.noKeys") : null}>
      <Rows
        items={data.keys}
        testId="license-key"
        main={(k) => (
          <>
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
            <ErrorText id={`key-error-${k.id}`} error={mineOf(k.id)?.errors?.form} testId={`license-error-${k.id}`} />
            {k.instances.length > 0 ? (
              <ul className="instance-list">
                {k.instances.map((i) => (
                  <li key={i.id} data-testid={`instance-${i.id}`}>
                    <span>
                      {i.name} · <Time {...i.createdAt} />
                    </span>
                    {data.canWrite ? (
                      <ActionButton
                        fields={{ intent: "deactivate", license_key_id: k.id, instance_id: i.id }}
                        label={t("dash.customer.deactivate")}
                        testId={`deactivate-${i.id}`}
                        pendingWhen={["instance_id", i.id]}
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
        actions={(k) => (data.canWrite ? <KeyActions k={k} mine={mineOf(k.id)} /> : null)}
      />
      <Pager {...data.pager} />
    </CustomerTabPanel>
  );
}

/** Enable or disable a key; change its activation limit and expiry. */
function KeyActions({ k, mine }: { k: ReturnType<typeof useLoaderData<typeof loader>>["keys"][number]; mine: Acted }) {
  const { t } = useTranslation();
  const disabled = k.stored === "disabled";
  return (
    <>
      <ActionButton
        fields={{ intent: disabled ? "enable" : "disable", license_key_id: k.id }}
        label={disabled ? t("dash.customer.enable") : t("dash.customer.disable")}
        variant={disabled ? "secondary" : "danger"}
        testId={`toggle-${k.id}`}
        pendingWhen={["license_key_id", k.id]}
      />
      <FormDisclosure
        label={t("dash.customer.changeLimits")}
        testId={`limits-${k.id}`}
        open={mine?.intent === "limits"}
        fields={{ intent: "limits", license_key_id: k.id }}
        submit={{ label: t("dash.ui.save"), testId: `limits-submit-${k.id}`, pendingWhen: ["license_key_id", k.id] }}
      >
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
      </FormDisclosure>
    </>
  );
}

export const ErrorBoundary = DashboardErrorView;
