import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { Notice, SubmitButton } from "~/components/portal/ui";
import { saveProfile } from "~/portal/actions.server";
import { parseProfileForm } from "~/portal/forms.server";
import { requirePage, requirePortalAction } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { noticeOf, redirectWithNotice } from "~/portal/notices.server";
import { profileData } from "~/portal/view-models.server";
import { supportedLocales } from "~/i18n/index";
import { RateLimitedError } from "~/utils/rate-limit.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "profile");
  return json(
    { ...profileData(s), merchant: s.merchant.portalSettings.branding.display_name ?? s.merchant.name, notice: noticeOf(request) },
    { headers: NO_STORE },
  );
}

export async function action({ request }: ActionFunctionArgs) {
  const s = await requirePortalAction(request, "profile");
  const parsed = parseProfileForm(s, await request.formData());
  // Any invalid field: nothing is saved, every error is shown beside its field.
  if (Object.keys(parsed.errors).length > 0) {
    return json({ errors: parsed.errors, values: parsed.values }, { status: 400, headers: NO_STORE });
  }
  try {
    return redirectWithNotice("/portal/profile", await saveProfile(s, parsed));
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    // Too many email changes this hour: the form again, nothing saved, nothing mailed.
    return json(
      { errors: { email: "profile.errors.emailChangeLimit" }, values: parsed.values },
      { status: 429, headers: { ...NO_STORE, "Retry-After": String(error.retryAfterS) } },
    );
  }
}

type Values = Record<string, string>;

function Field(props: {
  name: string;
  label: string;
  values: Values;
  errors: Record<string, string | undefined>;
  type?: string;
  autoComplete?: string;
  hint?: string;
  inputMode?: "tel" | "email" | "text";
}) {
  const { t } = useTranslation();
  const error = props.errors[props.name];
  const describedBy = [props.hint ? `${props.name}-hint` : null, error ? `${props.name}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={`profile-${props.name}`}>{props.label}</label>
      <input
        id={`profile-${props.name}`}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.values[props.name] ?? ""}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={`profile-${props.name}`}
      />
      {props.hint ? (
        <p className="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p className="error" id={`${props.name}-error`} data-testid={`error-${props.name}`}>
          {t(error)}
        </p>
      ) : null}
    </div>
  );
}

export default function Profile() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const values: Values = acted?.values ?? data.values;
  const errors: Record<string, string | undefined> = acted?.errors ?? {};
  const e = data.editable;
  const anyEditable = e.name || e.email || e.phone || e.address || e.taxId || e.legalName || e.documentLocale || e.shipping;
  const show = (v: string) => v || t("profile.notSet");
  const joined = (prefix: "" | "ship_") =>
    (["line1", "line2", "city", "state", "postal_code", "country"] as const)
      .map((n) => data.values[`${prefix}${n}`])
      .filter(Boolean)
      .join(", ");
  const address = joined("");
  const shippingAddress = joined("ship_");
  const languageName = (code: string) => (code ? t(`nav.languageNames.${code}`) : t("profile.documentLocaleDefault"));

  return (
    <div data-testid="page-profile">
      <h1>{t("profile.title")}</h1>
      <Notice notice={data.notice} />
      {data.pendingEmail ? (
        <p className="callout" data-testid="pending-email">
          {t("profile.pendingEmail", { email: data.pendingEmail })}
        </p>
      ) : null}
      {acted?.errors ? (
        <p className="alert" role="alert" data-testid="profile-errors">
          {t("profile.fixErrors")}
        </p>
      ) : null}

      {/* What the customer may not change is shown as text, never as a disabled input. */}
      {!(e.name && e.email && e.phone && e.address && e.taxId && e.legalName && e.documentLocale && e.shipping) ? (
        <section className="section" aria-labelledby="profile-details">
          <h2 id="profile-details" className="section-title">
            {t("profile.details")}
          </h2>
          <dl className="facts" data-testid="profile-readonly">
            {!e.name ? (
              <>
                <dt>{t("profile.name")}</dt>
                <dd>{show(data.values.name)}</dd>
              </>
            ) : null}
            {!e.email ? (
              <>
                <dt>{t("profile.email")}</dt>
                <dd>{data.values.email}</dd>
              </>
            ) : null}
            {!e.phone ? (
              <>
                <dt>{t("profile.phone")}</dt>
                <dd>{show(data.values.phone)}</dd>
              </>
            ) : null}
            {!e.address ? (
              <>
                <dt>{t("profile.address")}</dt>
                <dd>{show(address)}</dd>
              </>
            ) : null}
            {!e.taxId ? (
              <>
                <dt>{t("profile.taxId")}</dt>
                <dd>{show(data.values.tax_id)}</dd>
              </>
            ) : null}
            {!e.legalName ? (
              <>
                <dt>{t("profile.legalName")}</dt>
                <dd>{show(data.values.legal_name)}</dd>
              </>
            ) : null}
            {!e.shipping ? (
              <>
                <dt>{t("profile.shippingAddress")}</dt>
                <dd>{show(shippingAddress)}</dd>
              </>
            ) : null}
            {!e.documentLocale ? (
              <>
                <dt>{t("profile.documentLocale")}</dt>
                <dd>{languageName(data.values.document_locale)}</dd>
              </>
            ) : null}
          </dl>
          {!anyEditable ? <p className="muted">{t("profile.readOnly", { merchant: data.merchant })}</p> : null}
        </section>
      ) : null}

      {anyEditable ? (
        // Keyed by the values shown: after a save the inputs re-mount with what was stored
        // (e.g. the E.164 phone), since uncontrolled inputs keep what was typed.
        <Form key={JSON.stringify(values)} method="post" className="form" noValidate data-testid="profile-form">
          {e.name ? <Field name="name" label={t("profile.name")} values={values} errors={errors} autoComplete="name" /> : null}
          {e.email ? (
            <Field name="email" label={t("profile.email")} values={values} errors={errors} type="email" autoComplete="email" inputMode="email" hint={t("profile.emailHint")} />
          ) : null}
          {e.phone ? (
            <Field name="phone" label={t("profile.phone")} values={values} errors={errors} type="tel" autoComplete="tel" inputMode="tel" hint={t("profile.phoneHint")} />
          ) : null}
          {e.address ? (
            <fieldset aria-describedby={errors.address ? "address-error" : undefined}>
              <legend>{t("profile.address")}</legend>
              {errors.address ? (
                <p className="error" id="address-error" data-testid="error-address">
                  {t(errors.address)}
                </p>
              ) : null}
              <Field name="line1" label={t("profile.line1")} values={values} errors={errors} autoComplete="address-line1" />
              <Field name="line2" label={t("profile.line2")} values={values} errors={errors} autoComplete="address-line2" />
              <Field name="city" label={t("profile.city")} values={values} errors={errors} autoComplete="address-level2" />
              <Field name="state" label={t("profile.state")} values={values} errors={errors} autoComplete="address-level1" />
              <Field name="postal_code" label={t("profile.postalCode")} values={values} errors={errors} autoComplete="postal-code" />
              <Field name="country" label={t("profile.country")} values={values} errors={errors} autoComplete="country" hint={t("profile.countryHint")} />
            </fieldset>
          ) : null}
          {e.taxId ? <Field name="tax_id" label={t("profile.taxId")} values={values} errors={errors} /> : null}
          {e.legalName ? (
            <Field name="legal_name" label={t("profile.legalName")} values={values} errors={errors} autoComplete="organization" hint={t("profile.legalNameHint")} />
          ) : null}
          {e.shipping ? (
            <fieldset aria-describedby={errors.shipping ? "shipping-error" : undefined}>
              <legend>{t("profile.shippingAddress")}</legend>
              {errors.shipping ? (
                <p className="error" id="shipping-error" data-testid="error-shipping">
                  {t(errors.shipping)}
                </p>
              ) : null}
              <Field name="ship_line1" label={t("profile.line1")} values={values} errors={errors} autoComplete="shipping address-line1" />
              <Field name="ship_line2" label={t("profile.line2")} values={values} errors={errors} autoComplete="shipping address-line2" />
              <Field name="ship_city" label={t("profile.city")} values={values} errors={errors} autoComplete="shipping address-level2" />
              <Field name="ship_state" label={t("profile.state")} values={values} errors={errors} autoComplete="shipping address-level1" />
              <Field name="ship_postal_code" label={t("profile.postalCode")} values={values} errors={errors} autoComplete="shipping postal-code" />
              <Field name="ship_country" label={t("profile.country")} values={values} errors={errors} autoComplete="shipping country" hint={t("profile.countryHint")} />
            </fieldset>
          ) : null}
          {e.documentLocale ? (
            <div className="field">
              <label htmlFor="profile-document_locale">{t("profile.documentLocale")}</label>
              <select
                id="profile-document_locale"
                name="document_locale"
                defaultValue={values.document_locale ?? ""}
                aria-describedby="document_locale-hint"
                aria-invalid={errors.document_locale ? true : undefined}
                data-testid="profile-document_locale"
              >
                {["", ...supportedLocales].map((code) => (
                  <option key={code} value={code} lang={code || undefined}>
                    {languageName(code)}
                  </option>
                ))}
              </select>
              <p className="hint" id="document_locale-hint">
                {t("profile.documentLocaleHint")}
              </p>
            </div>
          ) : null}
          <div>
            <SubmitButton testId="profile-save">{t("profile.save")}</SubmitButton>
          </div>
        </Form>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
