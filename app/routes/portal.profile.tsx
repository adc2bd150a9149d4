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
  return redirectWithNotice("/portal/profile", await saveProfile(s, parsed));
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
  const anyEditable = e.name || e.email || e.phone || e.address || e.taxId;
  const show = (v: string) => v || t("profile.notSet");
  const address = [data.values.line1, data.values.line2, data.values.city, data.values.state, data.values.postal_code, data.values.country].filter(Boolean).join(", ");

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
      {!(e.name && e.email && e.phone && e.address && e.taxId) ? (
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
          <div>
            <SubmitButton testId="profile-save">{t("profile.save")}</SubmitButton>
          </div>
        </Form>
      ) : null}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
