import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { getI18n, type Locale } from "~/i18n/index";
import { Field, FormSubmit, NewPasswordField, type FieldErrors } from "./ui";

/** The frame of the pages outside the signed-in shell: sign-in, second step, setup, invite. */
export function AuthCard({ locale, children, testId }: { locale: Locale; children: ReactNode; testId: string }) {
  return (
    <I18nextProvider i18n={getI18n(locale)}>
      <main className="auth" lang={locale}>
        <p className="auth-logo" aria-hidden="true">
          Portico
        </p>
        <section className="card auth-card" data-testid={testId}>
          {children}
        </section>
      </main>
    </I18nextProvider>
  );
}

/** A one-time link's page when the link is unknown, used or expired: one answer for all three. */
export function LinkExpired({ title, body }: { title: string; body: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p className="muted">{body}</p>
    </>
  );
}

/**
 * A new account's name and password (the setup link, an invite to someone without a password).
 * The address rides along hidden so password managers save the pair under it.
 */
export function NewPasswordForm(props: { email: string; name: string; errors?: FieldErrors; submitLabel: string; submitTestId: string }) {
  const { t } = useTranslation();
  return (
    <Form method="post" className="form" noValidate>
      <input type="hidden" name="email" value={props.email} autoComplete="username" />
      <Field name="name" label={t("dash.setup.name")} defaultValue={props.name} autoComplete="name" errors={props.errors} maxLength={200} />
      <NewPasswordField name="password" label={t("dash.setup.password")} errors={props.errors} required />
      <FormSubmit label={props.submitLabel} testId={props.submitTestId} />
    </Form>
  );
}

// Each sign-in step's messages live under its own catalogue key; its test ids carry its name.
const SIGN_IN_STEPS = { "sign-in": "dash.signIn", verify: "dash.verify" } as const;

/**
 * A sign-in step's form (password, then the second factor): the refusal above it (too many tries,
 * or the step's own "wrong" message), the page to go to afterwards carried along, the step's fields.
 */
export function SignInStepForm({ step, error, redirectTo, children }: { step: keyof typeof SIGN_IN_STEPS; error: "rate_limited" | "invalid" | undefined; redirectTo: string; children: ReactNode }) {
  const { t } = useTranslation();
  const messages = SIGN_IN_STEPS[step];
  return (
    <>
      {error ? (
        <p className="alert" role="alert" data-testid={`${step}-error`}>
          {error === "rate_limited" ? t("dash.signIn.tooMany") : t(`${messages}.invalid`)}
        </p>
      ) : null}
      <Form method="post" className="form">
        <input type="hidden" name="redirect_to" value={redirectTo} />
        {children}
        <FormSubmit label={t(`${messages}.submit`)} testId={`${step}-submit`} />
      </Form>
    </>
  );
}
