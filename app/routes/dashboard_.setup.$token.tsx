import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard } from "~/components/dashboard/auth-card";
import { ErrorSummary, Field, SubmitButton, type FieldErrors } from "~/components/dashboard/ui";
import { formString, linkFormFailure } from "~/dashboard/forms.server";
import { clientAddress, NO_STORE, staffLocale } from "~/dashboard/guards.server";
import { replaceStaffSession } from "~/dashboard/session.server";
import { initialMerchant } from "~/dashboard/sign-in.server";
import { translator } from "~/i18n/index";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/utils/password-rules";
import { completeSetup, getSetupLink } from "~/models/staff-users.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
// The token is in the path: it must not leak through Referer or caches.
const TOKEN_HEADERS = { ...NO_STORE, "Referrer-Policy": "no-referrer" };
export const headers: HeadersFunction = () => TOKEN_HEADERS;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = getSetupLink(params.token ?? "");
  const locale = staffLocale(request, staff);
  const t = translator(locale);
  // Unknown, used and expired links get one answer.
  if (!staff) return json({ locale, title: t("dash.setup.expiredTitle"), valid: false as const, email: null, name: null }, { status: 404, headers: TOKEN_HEADERS });
  return json({ locale, title: t("dash.setup.title"), valid: true as const, email: staff.email, name: staff.name }, { headers: TOKEN_HEADERS });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  try {
    const staff = await completeSetup({ token: params.token ?? "", password: formString(form, "password"), name: formString(form, "name") });
    // The person just proved the link and chose the password: they are signed in.
    const merchantId = initialMerchant(staff.id);
    const cookie = await replaceStaffSession(request, { staffUserId: staff.id, stage: "active", merchantId, ip: clientAddress(context.clientIp), reauthenticated: true });
    return redirect(merchantId ? "/dashboard?notice=setup_done" : "/dashboard/switch", { status: 303, headers: { ...TOKEN_HEADERS, "Set-Cookie": cookie } });
  } catch (error) {
    return linkFormFailure(error, form, TOKEN_HEADERS);
  }
}

export default function Setup() {
  const data = useLoaderData<typeof loader>();
  return (
    <AuthCard locale={data.locale} testId="page-setup">
      <SetupForm {...data} />
    </AuthCard>
  );
}

function SetupForm(data: { valid: boolean; email: string | null; name: string | null }) {
  const { t } = useTranslation();
  const acted = useActionData<typeof action>();
  const errors: FieldErrors | undefined = acted?.errors;
  if (!data.valid) {
    return (
      <>
        <h1>{t("dash.setup.expiredTitle")}</h1>
        <p className="muted">{t("dash.setup.expiredBody")}</p>
      </>
    );
  }
  return (
    <>
      <h1>{t("dash.setup.title")}</h1>
      <p className="muted">{t("dash.setup.body", { email: data.email })}</p>
      <ErrorSummary errors={errors} />
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="email" value={data.email ?? ""} autoComplete="username" />
        <Field name="name" label={t("dash.setup.name")} defaultValue={acted?.name ?? data.name ?? ""} autoComplete="name" errors={errors} maxLength={200} />
        <Field
          name="password"
          type="password"
          label={t("dash.setup.password")}
          hint={t("dash.password.rules", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH })}
          autoComplete="new-password"
          errors={errors}
          required
        />
        <div>
          <SubmitButton testId="setup-submit">{t("dash.setup.submit")}</SubmitButton>
        </div>
      </Form>
    </>
  );
}
