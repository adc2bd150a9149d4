import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard } from "~/components/dashboard/auth-card";
import { SubmitButton } from "~/components/dashboard/ui";
import { dashboardError, NO_STORE, requireSignedInStaff, staffLocale } from "~/dashboard/guards.server";
import { formString } from "~/dashboard/forms.server";
import { safeRedirectPath } from "~/dashboard/redirects.server";
import { translator } from "~/i18n/index";
import { setStaffSessionMerchant } from "~/models/staff-sessions.server";
import { getMembership, listMembershipsOf } from "~/models/staff-users.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import dashboardStyles from "~/styles/dashboard.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: dashboardStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Portico" }];
export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { session, staff } = await requireSignedInStaff(request, context);
  const locale = staffLocale(request, staff);
  return json(
    {
      locale,
      title: translator(locale)("dash.switch.title"),
      email: staff.email,
      current: session.merchantId,
      redirectTo: safeRedirectPath(new URL(request.url).searchParams.get("redirect_to")),
      memberships: listMembershipsOf(staff.id).map((m) => ({ merchantId: m.merchantId, name: m.merchantName, role: m.role })),
    },
    { headers: NO_STORE },
  );
}

/** Picks the merchant every dashboard URL of this session acts on (only one of the person's own). */
export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { session, staff } = await requireSignedInStaff(request, context);
  const form = await request.formData();
  const merchantId = formString(form, "merchant_id");
  if (!getMembership({ staffUserId: staff.id, merchantId })) throw dashboardError(403, "forbidden");
  setStaffSessionMerchant({ seq: session.seq, merchantId });
  const to = safeRedirectPath(form.get("redirect_to"));
  // The page asked for may not exist (or be allowed) in the other merchant; its home always is.
  return redirect(to, { status: 303, headers: NO_STORE });
}

export default function SwitchMerchant() {
  const data = useLoaderData<typeof loader>();
  return (
    <AuthCard locale={data.locale} testId="page-switch">
      <Choices data={data} />
    </AuthCard>
  );
}

function Choices({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("dash.switch.title")}</h1>
      {data.memberships.length === 0 ? (
        <p className="muted" data-testid="no-memberships">
          {t("dash.switch.none", { email: data.email })}
        </p>
      ) : (
        <ul className="choices">
          {data.memberships.map((m) => (
            <li key={m.merchantId}>
              <Form method="post">
                <input type="hidden" name="merchant_id" value={m.merchantId} />
                <input type="hidden" name="redirect_to" value={data.redirectTo} />
                <SubmitButton variant={m.merchantId === data.current ? "primary" : "secondary"} testId={`choose-${m.merchantId}`}>
                  {m.name} · {t(`dash.roles.${m.role}`)}
                </SubmitButton>
              </Form>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" action="/dashboard/sign-out">
        <button type="submit" className="button secondary small" data-testid="sign-out">
          {t("dash.nav.signOut")}
        </button>
      </Form>
    </>
  );
}
