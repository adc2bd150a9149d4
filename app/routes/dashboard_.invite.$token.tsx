import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, LinkExpired, NewPasswordForm } from "~/components/dashboard/auth-card";
import { ErrorSummary, SubmitButton, type FieldErrors } from "~/components/dashboard/ui";
import { formString, linkFormFailure } from "~/dashboard/forms.server";
import { clientAddress, getSignedInStaff, LINK_PAGE_HEADERS, staffLocale } from "~/dashboard/guards.server";
import { replaceStaffSession } from "~/dashboard/session.server";
import { setStaffSessionMerchant } from "~/models/staff-sessions.server";
import { translator } from "~/i18n/index";
import { acceptInvite, getInvite } from "~/models/team.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
export const headers: HeadersFunction = () => LINK_PAGE_HEADERS;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const found = getInvite(params.token ?? "");
  const signedIn = await getSignedInStaff(request, context);
  const locale = staffLocale(request, signedIn?.staff ?? null);
  const t = translator(locale);
  if (!found) return json({ locale, title: t("dash.invite.expiredTitle"), invite: null }, { status: 404, headers: LINK_PAGE_HEADERS });
  // Who may accept: a new person sets a password; an existing account accepts while signed in as
  // the invited address (else it is asked to sign in as that address first).
  const mode = !found.account?.hasPassword ? "new" : signedIn?.staff.id === found.account.id ? "accept" : signedIn ? "wrong_account" : "sign_in";
  return json(
    {
      locale,
      title: t("dash.invite.title", { merchant: found.merchantName }),
      invite: { email: found.invite.email, role: found.invite.role, merchant: found.merchantName, mode, signedInAs: signedIn?.staff.email ?? null },
      signInPath: `/dashboard/sign-in?redirect_to=${encodeURIComponent(new URL(request.url).pathname)}`,
    },
    { headers: LINK_PAGE_HEADERS },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData();
  const signedIn = await getSignedInStaff(request, context);
  try {
    const { staff, membership } = await acceptInvite({
      token: params.token ?? "",
      signedInStaffUserId: signedIn?.staff.id ?? null,
      password: formString(form, "password"),
      name: formString(form, "name"),
    });
    if (signedIn && signedIn.staff.id === staff.id) {
      setStaffSessionMerchant({ seq: signedIn.session.seq, merchantId: membership.merchantId });
      return redirect("/dashboard?notice=invite_accepted", { status: 303, headers: LINK_PAGE_HEADERS });
    }
    const cookie = await replaceStaffSession(request, { staffUserId: staff.id, stage: "active", merchantId: membership.merchantId, ip: clientAddress(context.clientIp), reauthenticated: true });
    return redirect("/dashboard?notice=invite_accepted", { status: 303, headers: { ...LINK_PAGE_HEADERS, "Set-Cookie": cookie } });
  } catch (error) {
    return linkFormFailure(error, form, LINK_PAGE_HEADERS);
  }
}

export default function Invite() {
  const data = useLoaderData<typeof loader>();
  return (
    <AuthCard locale={data.locale} testId="page-invite">
      <InviteBody data={data} />
    </AuthCard>
  );
}

function InviteBody({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t } = useTranslation();
  const acted = useActionData<typeof action>();
  const errors: FieldErrors | undefined = acted?.errors;
  if (!data.invite) return <LinkExpired title={t("dash.invite.expiredTitle")} body={t("dash.invite.expiredBody")} />;
  const invite = data.invite;
  return (
    <>
      <h1>{t("dash.invite.title", { merchant: invite.merchant })}</h1>
      <p className="muted" data-testid="invite-summary">
        {t("dash.invite.body", { email: invite.email, role: t(`dash.roles.${invite.role}`), merchant: invite.merchant })}
      </p>
      <ErrorSummary errors={errors} />
      {invite.mode === "new" ? (
        <NewPasswordForm email={invite.email} name={acted?.name ?? ""} errors={errors} submitLabel={t("dash.invite.createAndJoin")} submitTestId="invite-accept" />
      ) : invite.mode === "accept" ? (
        <Form method="post">
          <SubmitButton testId="invite-accept">{t("dash.invite.accept")}</SubmitButton>
        </Form>
      ) : invite.mode === "sign_in" ? (
        <p>
          <Link className="button" to={data.signInPath!} data-testid="invite-sign-in">
            {t("dash.invite.signInToAccept", { email: invite.email })}
          </Link>
        </p>
      ) : (
        <p className="callout" data-testid="invite-wrong-account">
          {t("dash.invite.wrongAccount", { current: invite.signedInAs, email: invite.email })}
        </p>
      )}
    </>
  );
}
