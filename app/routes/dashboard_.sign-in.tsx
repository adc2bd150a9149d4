import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, SignInStepForm } from "~/components/dashboard/auth-card";
import { Notice } from "~/components/dashboard/ui";
import { clientAddress, getSignedInStaff, NO_STORE, staffLocale } from "~/dashboard/guards.server";
import { formString } from "~/dashboard/forms.server";
import { noticeOf } from "~/dashboard/notices.server";
import { safeRedirectPath } from "~/dashboard/redirects.server";
import { replaceStaffSession } from "~/dashboard/session.server";
import { afterSignIn, attemptSignIn } from "~/dashboard/sign-in.server";
import { translator } from "~/i18n/index";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirectPath(url.searchParams.get("redirect_to"));
  if (await getSignedInStaff(request, context)) throw redirect(redirectTo, { status: 303, headers: NO_STORE });
  const locale = staffLocale(request, null);
  return json({ locale, title: translator(locale)("dash.signIn.title"), redirectTo, notice: noticeOf(request) }, { headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const email = formString(form, "email");
  const redirectTo = safeRedirectPath(form.get("redirect_to"));
  const outcome = await attemptSignIn({ email, password: formString(form, "password"), ip: clientAddress(context.clientIp) });
  if (outcome.kind === "rate_limited") {
    return json({ error: "rate_limited" as const, email }, { status: 429, headers: { ...NO_STORE, "Retry-After": String(outcome.retryAfter) } });
  }
  if (outcome.kind === "invalid") return json({ error: "invalid" as const, email }, { status: 401, headers: NO_STORE });
  // A new session id at every sign-in; whatever session the browser held ends here.
  const cookie = await replaceStaffSession(request, {
    staffUserId: outcome.staff.id,
    stage: outcome.kind === "second_factor" ? "second_factor" : "active",
    merchantId: outcome.kind === "signed_in" ? outcome.merchantId : null,
    ip: clientAddress(context.clientIp),
    reauthenticated: outcome.kind === "signed_in",
  });
  const location =
    outcome.kind === "second_factor"
      ? `/dashboard/sign-in/verify?redirect_to=${encodeURIComponent(redirectTo)}`
      : afterSignIn(redirectTo, outcome.merchantId);
  return redirect(location, { status: 303, headers: { ...NO_STORE, "Set-Cookie": cookie } });
}

export default function SignIn() {
  const data = useLoaderData<typeof loader>();
  return (
    <AuthCard locale={data.locale} testId="page-sign-in">
      <SignInForm redirectTo={data.redirectTo} notice={data.notice} />
    </AuthCard>
  );
}

function SignInForm({ redirectTo, notice }: { redirectTo: string; notice: string | null }) {
  const { t } = useTranslation();
  const acted = useActionData<typeof action>();
  return (
    <>
      <h1>{t("dash.signIn.title")}</h1>
      <Notice notice={notice} />
      <SignInStepForm step="sign-in" error={acted?.error} redirectTo={redirectTo}>
        <div className="field">
          <label htmlFor="sign-in-email">{t("dash.signIn.email")}</label>
          <input id="sign-in-email" name="email" type="email" autoComplete="username" required defaultValue={acted?.email ?? ""} data-testid="sign-in-email" />
        </div>
        <div className="field">
          <label htmlFor="sign-in-password">{t("dash.signIn.password")}</label>
          <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required data-testid="sign-in-password" />
        </div>
      </SignInStepForm>
      <p className="muted small">{t("dash.signIn.help")}</p>
    </>
  );
}
