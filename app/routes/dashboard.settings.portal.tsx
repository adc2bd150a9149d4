import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { BrandingPreview } from "~/components/dashboard/branding-preview";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorSummary, ErrorText, Field, Notice, PageHeader, SubmitButton, type FieldErrors } from "~/components/dashboard/ui";
import { domainFieldErrors } from "~/dashboard/forms.server";
import { NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { parsePortalSettingsForm, settingsToForm, type PortalSettingsFormValues } from "~/dashboard/portal-settings-form.server";
import { updatePortalSettings } from "~/models/merchants.server";
import { writeTransaction } from "~/utils/db.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "settings:read");
  return json(
    { values: settingsToForm(s.merchant.portalSettings), canEdit: s.can("portal_settings:write"), slug: s.merchant.slug, notice: noticeOf(request) },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "portal_settings:write", context.clientIp);
  const parsed = parsePortalSettingsForm(await request.formData());
  if (!parsed.patch) return json({ values: parsed.values, errors: parsed.errors }, { status: 400, headers: NO_STORE });
  try {
    // The API's model: the same merge, the same rules, audited with before/after.
    writeTransaction(() => updatePortalSettings({ merchantId: s.merchant.id, patch: parsed.patch!, actor: s.actor }));
  } catch (error) {
    const errors = domainFieldErrors(error);
    if (!errors) throw error;
    return json({ values: parsed.values, errors }, { status: 400, headers: NO_STORE });
  }
  return redirectWithNotice("/dashboard/settings/portal", "settings_saved");
}

export default function PortalSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const values: PortalSettingsFormValues = acted?.values ?? data.values;
  const errors: FieldErrors | undefined = acted?.errors;
  const { t } = useTranslation();
  // The preview follows the inputs as they change (uncontrolled inputs, so no-JS posts the same).
  const [preview, setPreview] = useState({ name: values.display_name, color: values.brand_color, logo: values.logo_url });
  const disabled = !data.canEdit;
  const check = (name: keyof PortalSettingsFormValues, label: string, hint?: string) => (
    <div className="check">
      <input type="checkbox" id={`ps-${name}`} name={name} defaultChecked={Boolean(values[name])} disabled={disabled} data-testid={`field-${name}`} />
      <label htmlFor={`ps-${name}`}>
        {label}
        {hint ? <span className="hint block">{hint}</span> : null}
      </label>
    </div>
  );
  return (
    <div data-testid="page-portal-settings">
      <PageHeader title={t("dash.portal.title")} description={t("dash.portal.intro", { path: `/p/${data.slug}` })} />
      <Notice notice={data.notice} />
      {disabled ? <p className="callout">{t("dash.ui.readOnlyRole")}</p> : null}
      <ErrorSummary errors={errors} />
      <div className="split">
        <Form key={JSON.stringify(values)} method="post" className="form" noValidate data-testid="portal-settings-form">
          <fieldset disabled={disabled}>
            <legend>{t("dash.portal.branding")}</legend>
            <div onChange={(e) => {
              const target = e.target as HTMLInputElement;
              if (target.name === "display_name") setPreview((p) => ({ ...p, name: target.value }));
              if (target.name === "brand_color") setPreview((p) => ({ ...p, color: target.value }));
              if (target.name === "logo_url") setPreview((p) => ({ ...p, logo: target.value }));
            }} className="stack">
              <Field name="display_name" label={t("dash.portal.displayName")} defaultValue={values.display_name} errors={errors} idPrefix="ps" maxLength={200} />
              <Field name="logo_url" label={t("dash.portal.logoUrl")} hint={t("dash.portal.logoUrlHint")} defaultValue={values.logo_url} errors={errors} idPrefix="ps" inputMode="url" />
              <Field name="brand_color" label={t("dash.portal.brandColor")} hint={t("dash.portal.brandColorHint")} defaultValue={values.brand_color} errors={errors} idPrefix="ps" placeholder="#0f766e" />
            </div>
            <Field name="support_email" type="email" label={t("dash.portal.supportEmail")} defaultValue={values.support_email} errors={errors} idPrefix="ps" inputMode="email" />
            <div className="field">
              <label htmlFor="ps-default_locale">{t("dash.portal.defaultLocale")}</label>
              <select id="ps-default_locale" name="default_locale" defaultValue={values.default_locale} data-testid="field-default_locale">
                <option value="en" lang="en">English</option>
                <option value="ko" lang="ko">한국어</option>
              </select>
              <ErrorText id="ps-default_locale-error" error={errors?.default_locale} />
            </div>
            <Field name="default_return_url" label={t("dash.portal.returnUrl")} hint={t("dash.portal.returnUrlHint")} defaultValue={values.default_return_url} errors={errors} idPrefix="ps" inputMode="url" />
            <div className="field">
              <label htmlFor="ps-allowed_return_hosts">{t("dash.portal.allowedHosts")}</label>
              <textarea
                id="ps-allowed_return_hosts"
                name="allowed_return_hosts"
                defaultValue={values.allowed_return_hosts}
                rows={3}
                aria-describedby={`ps-allowed_return_hosts-hint${errors?.allowed_return_hosts ? " ps-allowed_return_hosts-error" : ""}`}
                aria-invalid={errors?.allowed_return_hosts ? true : undefined}
                data-testid="field-allowed_return_hosts"
              />
              <p className="hint" id="ps-allowed_return_hosts-hint">
                {t("dash.portal.allowedHostsHint")}
              </p>
              <ErrorText id="ps-allowed_return_hosts-error" error={errors?.allowed_return_hosts} testId="error-allowed_return_hosts" />
            </div>
          </fieldset>
          <fieldset disabled={disabled}>
            <legend>{t("dash.portal.pages")}</legend>
            {check("billing_history", t("dash.portal.billingHistory"))}
            {check("license_keys", t("dash.portal.licenseKeys"))}
            {check("allow_deactivate", t("dash.portal.allowDeactivate"), t("dash.portal.allowDeactivateHint"))}
            {check("wallet", t("dash.portal.wallet"))}
            {check("usage", t("dash.portal.usage"))}
          </fieldset>
          <fieldset disabled={disabled}>
            <legend>{t("dash.portal.cancellation")}</legend>
            {check("subscription_cancel", t("dash.portal.cancelEnabled"))}
            <div className="field">
              <label htmlFor="ps-cancel_mode">{t("dash.portal.cancelMode")}</label>
              <select id="ps-cancel_mode" name="cancel_mode" defaultValue={values.cancel_mode} data-testid="field-cancel_mode" aria-invalid={errors?.cancel_mode ? true : undefined}>
                <option value="at_period_end">{t("dash.portal.modeAtPeriodEnd")}</option>
                <option value="immediately">{t("dash.portal.modeImmediately")}</option>
                <option value="customer_choice">{t("dash.portal.modeCustomerChoice")}</option>
              </select>
              <ErrorText id="ps-cancel_mode-error" error={errors?.cancel_mode} />
            </div>
            {check("ask_reason", t("dash.portal.askReason"))}
          </fieldset>
          <fieldset disabled={disabled}>
            <legend>{t("dash.portal.profile")}</legend>
            {check("customer_update", t("dash.portal.customerUpdate"), t("dash.portal.customerUpdateHint"))}
            <div className="checks" role="group" aria-labelledby="ps-allowed-fields-label">
              <span id="ps-allowed-fields-label" className="label">
                {t("dash.portal.allowedFields")}
              </span>
              {(["name", "email", "phone_number"] as const).map((f) => (
                <div className="check" key={f}>
                  <input type="checkbox" id={`ps-field-${f}`} name="allowed_fields" value={f} defaultChecked={values.allowed_fields.includes(f)} data-testid={`field-allowed-${f}`} />
                  <label htmlFor={`ps-field-${f}`}>{t(`dash.portal.field.${f}`)}</label>
                </div>
              ))}
              <ErrorText id="ps-allowed_fields-error" error={errors?.allowed_fields} />
            </div>
          </fieldset>
          {data.canEdit ? (
            <div>
              <SubmitButton testId="save-portal-settings">{t("dash.ui.save")}</SubmitButton>
            </div>
          ) : null}
        </Form>
        <BrandingPreview name={preview.name} color={preview.color} logoUrl={preview.logo} />
      </div>
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
