import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, SignInStepForm } from "~/components/dashboard/auth-card";
import { clientAddress, NO_STORE, staffLocale } from "~/dashboard/guards.server";
import { formString } from "~/dashboard/forms.server";
import { safeRedirectPath } from "~/dashboard/redirects.server";
import { readStaffSession, replaceStaffSession } from "~/dashboard/session.server";
import { afterSignIn, attemptSecondFactor } from "~/dashboard/sign-in.server";
import { translator } from "~/i18n/index";
import { getStaffUser } from "~/models/staff-users.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

/** The sign-in waiting for its second factor, or null (no cookie, expired, or already active). */
async function pendingSignIn(request: Request) {
  const session = await readStaffSession(request);
  if (!session || session.stage !== "second_factor") return null;
  const staff = getStaffUser(session.staffUserId);
  return staff ? { session, staff } : null;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirect_to"));
  const pending = await pendingSignIn(request);
  if (!pending) throw redirect(`/dashboard/sign-in?redirect_to=${encodeURIComponent(redirectTo)}`, { status: 303, headers: NO_STORE });
  const locale = staffLocale(request, pending.staff);
  return json({ locale, title: translator(locale)("dash.verify.title"), redirectTo }, { headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const redirectTo = safeRedirectPath(form.get("redirect_to"));
  const pending = await pendingSignIn(request);
  if (!pending) return redirect(`/dashboard/sign-in?redirect_to=${encodeURIComponent(redirectTo)}`, { status: 303, headers: NO_STORE });
  const outcome = await attemptSecondFactor({ staff: pending.staff, code: formString(form, "code"), ip: clientAddress(context.clientIp) });
  if (outcome.kind === "rate_limited") {
    return json({ error: "rate_limited" as const }, { status: 429, headers: { ...NO_STORE, "Retry-After": String(outcome.retryAfter) } });
  }
  if (outcome.kind !== "signed_in") return json({ error: "invalid" as const }, { status: 401, headers: NO_STORE });
  // The half-signed-in session ends; the signed-in one gets a new id.
  const cookie = await replaceStaffSession(request, { staffUserId: pending.staff.id, stage: "active", merchantId: outcome.merchantId, ip: clientAddress(context.clientIp), reauthenticated: true });
  return redirect(afterSignIn(redirectTo, outcome.merchantId), { status: 303, headers: { ...NO_STORE, "Set-Cookie": cookie } });
}

export default function VerifySignIn() {
  const data = useLoaderData<typeof loader>();
  return (
    <AuthCard locale={data.locale} testId="page-sign-in-verify">
      <VerifyForm redirectTo={data.redirectTo} />
    </AuthCard>
  );
}

function VerifyForm({ redirectTo }: { redirectTo: string }) {
  const { t } = useTranslation();
  const acted = useActionData<typeof action>();
  return (
    <>
      <h1>{t("dash.verify.title")}</h1>
      <p className="muted">{t("dash.verify.body")}</p>
      <SignInStepForm step="verify" error={acted?.error} redirectTo={redirectTo}>
        <div className="field">
          <label htmlFor="verify-code">{t("dash.verify.code")}</label>
          <input
            id="verify-code"
            name="code"
            autoComplete="one-time-code"
            inputMode="text"
            required
            aria-describedby="verify-code-hint"
            data-testid="verify-code"
          />
          <p className="hint" id="verify-code-hint">
            {t("dash.verify.hint")}
          </p>
        </div>
      </SignInStepForm>
      <p className="small">
        <Link to="/dashboard/sign-in">{t("dash.verify.startOver")}</Link>
      </p>
    </>
  );
}
