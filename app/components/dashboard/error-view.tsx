import { Form, isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SubmitButton } from "./ui";

type SudoData = { fields: [string, string][]; error: "wrong" | null; twoFactor: boolean };

/**
 * Every dashboard page's error boundary, inside the shell: the recent-authentication prompt
 * (401 from requireRecentAuth), and 403 / 404 / 429 / anything else.
 */
export function DashboardErrorView() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isRouteErrorResponse(error) && (error.data as { sudo?: SudoData } | null)?.sudo) {
    return <SudoPrompt data={(error.data as { sudo: SudoData }).sudo} />;
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const [title, body] =
    status === 403
      ? [t("dash.errorsPage.forbiddenTitle"), t("dash.errorsPage.forbiddenBody")]
      : status === 404
        ? [t("dash.errorsPage.notFoundTitle"), t("dash.errorsPage.notFoundBody")]
        : status === 429
          ? [t("dash.errorsPage.rateLimitedTitle"), t("dash.errorsPage.rateLimitedBody")]
          : [t("dash.errorsPage.errorTitle"), t("dash.errorsPage.errorBody")];
  return (
    <section className="card" role="alert" data-testid="dash-error" data-status={status}>
      <h1>{title}</h1>
      <p className="muted">{body}</p>
      <p>
        <Link to="/dashboard">{t("dash.errorsPage.backHome")}</Link>
      </p>
    </section>
  );
}

/** "Confirm it's you": re-posts the original fields with the password or a code. */
function SudoPrompt({ data }: { data: SudoData }) {
  const { t } = useTranslation();
  return (
    <section className="card narrow" data-testid="sudo-form">
      <h1>{t("dash.sudo.title")}</h1>
      <p className="muted">{t("dash.sudo.body")}</p>
      {data.error ? (
        <p className="alert" role="alert" data-testid="sudo-error">
          {t("dash.sudo.wrong")}
        </p>
      ) : null}
      <Form method="post" className="form">
        {data.fields.map(([name, value], i) => (
          <input key={`${name}-${i}`} type="hidden" name={name} value={value} />
        ))}
        <div className="field">
          <label htmlFor="sudo-password">{t("dash.sudo.password")}</label>
          <input id="sudo-password" name="sudo_password" type="password" autoComplete="current-password" data-testid="sudo-password" />
        </div>
        {data.twoFactor ? (
          <div className="field">
            <label htmlFor="sudo-code">{t("dash.sudo.code")}</label>
            <input id="sudo-code" name="sudo_code" inputMode="numeric" autoComplete="one-time-code" aria-describedby="sudo-code-hint" data-testid="sudo-code" />
            <p className="hint" id="sudo-code-hint">
              {t("dash.sudo.codeHint")}
            </p>
          </div>
        ) : null}
        <div>
          <SubmitButton testId="sudo-submit">{t("dash.sudo.submit")}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}
