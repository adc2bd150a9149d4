import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, LinkExpired, NewPasswordForm } from "~/components/dashboard/auth-card";
import { ErrorSummary, type FieldErrors } from "~/components/dashboard/ui";
import { formString, linkFormFailure } from "~/dashboard/forms.server";
import { clientAddress, LINK_PAGE_HEADERS, staffLocale } from "~/dashboard/guards.server";
import { replaceStaffSession } from "~/dashboard/session.server";
import { initialMerchant } from "~/dashboard/sign-in.server";
import { translator } from "~/i18n/index";
import { completeSetup, getSetupLink } from "~/models/staff-users.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const staff = getSetupLink(params.token ?? "");
  const locale = staffLocale(request, staff);
  const t = translator(locale);
  // Unknown, used and expired links get one answer.
  if (!staff) return json({ locale, title: t("dash.setup.expiredTitle"), valid: false as const, email: null, name: null }, { status: 404, headers: LINK_PAGE_HEADERS });
  return json({ locale, title: t("dash.setup.title"), valid: true as const, email: staff.email, name: staff.name }, { headers: LINK_PAGE_HEADERS });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  try {
    const staff = await completeSetup({ token: params.token ?? "", password: formString(form, "password"), name: formString(form, "name") });
    // The person just proved the link and chose the password: they are signed in.
    const merchantId = initialMerchant(staff.id);
    const cookie = await replaceStaffSession(request, { staffUserId: staff.id, stage: "active", merchantId, ip: clientAddress(context.clientIp), reauthenticated: true });
    return redirect(merchantId ? "/dashboard?notice=setup_done" : "/dashboard/switch", { status: 303, headers: { ...LINK_PAGE_HEADERS, "Set-Cookie": cookie } });
  } catch (error) {
    return linkFormFailure(error, form, LINK_PAGE_HEADERS);
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
  if (!data.valid) return <LinkExpired title={t("dash.setup.expiredTitle")} body={t("dash.setup.expiredBody")} />;
  return (
    <>
      <h1>{t("dash.setup.title")}</h1>
      <p className="muted">{t("dash.setup.body", { email: data.email })}</p>
      <ErrorSummary errors={errors} />
      <NewPasswordForm email={data.email ?? ""} name={acted?.name ?? data.name ?? ""} errors={errors} submitLabel={t("dash.setup.submit")} submitTestId="setup-submit" />
    </>
  );
}
