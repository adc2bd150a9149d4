import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/index";
import { matchLocale } from "~/i18n/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import { confirmEmailChange, getLiveEmailChange } from "~/models/email-changes.server";
import { merchantBranding, signInPath } from "~/models/merchants.server";
import { BrandedCard, type Branding } from "~/portal/branded-page";
import { getCustomerSession } from "~/portal/guards.server";
import { TOKEN_PAGE_HEADERS } from "~/portal/http.server";
import { redirectWithNotice } from "~/portal/notices.server";
import { assertSameOrigin } from "~/utils/csrf.server";


type View =
  | { state: "confirm" | "done" | "in_use"; locale: Locale; branding: Branding; signInPath: string; email: string; signedIn: boolean }
  | { state: "invalid"; locale: Locale; branding: null; signInPath: null; email: null; signedIn: boolean };

export const meta: MetaFunction = () => [{ title: "Billing portal" }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => TOKEN_PAGE_HEADERS;

const view = (data: View, status = 200) => json(data, { status, headers: TOKEN_PAGE_HEADERS });

/** GET only shows the question: mail scanners open links, so only the button applies the change. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const found = getLiveEmailChange(params.token ?? "");
  const signedIn = Boolean(await getCustomerSession(request, context));
  if (!found) return view({ state: "invalid", locale: negotiateLocale({ request }), branding: null, signInPath: null, email: null, signedIn }, 404);
  return view({
    state: "confirm",
    locale: matchLocale(found.change.locale) ?? negotiateLocale({ request }),
    branding: merchantBranding(found.merchant),
    signInPath: signInPath(found.merchant),
    email: found.change.newEmail,
    signedIn,
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const result = await confirmEmailChange({ token: params.token ?? "" });
  const session = await getCustomerSession(request, context);
  if (result.state === "invalid") {
    return view({ state: "invalid", locale: negotiateLocale({ request }), branding: null, signInPath: null, email: null, signedIn: Boolean(session) }, 404);
  }
  if (result.state === "done" && session?.customer.id === result.customerId) {
    return redirectWithNotice("/portal/profile", "email_changed", { "Referrer-Policy": "no-referrer" });
  }
  return view(
    {
      state: result.state,
      locale: result.locale,
      branding: merchantBranding(result.merchant),
      signInPath: signInPath(result.merchant),
      email: result.email,
      signedIn: Boolean(session),
    },
    result.state === "in_use" ? 409 : 200,
  );
}

export const shouldRevalidate = () => false;

export default function ConfirmEmail() {
  const loaded = useLoaderData<typeof loader>() as View;
  const acted = useActionData<typeof action>() as View | undefined;
  const data = acted ?? loaded;
  return (
    <BrandedCard branding={data.branding} locale={data.locale}>
      <Body data={data} />
    </BrandedCard>
  );
}

function Body({ data }: { data: View }) {
  const { t } = useTranslation();
  const merchant = data.branding?.name ?? "";
  const portalLink = data.signedIn ? (
    <p>
      <Link to="/portal/profile">{t("confirmEmail.openPortal")}</Link>
    </p>
  ) : data.signInPath ? (
    <p>
      <a href={data.signInPath}>{t("email.signInPage")}</a>
    </p>
  ) : null;
  switch (data.state) {
    case "confirm":
      return (
        <>
          <h1>{t("confirmEmail.title")}</h1>
          <p>{t("confirmEmail.body", { merchant, email: data.email })}</p>
          <Form method="post" replace>
            <button type="submit" className="button" data-testid="confirm-email">
              {t("confirmEmail.button")}
            </button>
          </Form>
        </>
      );
    case "done":
      return (
        <>
          <h1>{t("confirmEmail.doneTitle")}</h1>
          <p data-testid="email-changed">{t("confirmEmail.doneBody", { merchant, email: data.email })}</p>
          {portalLink}
        </>
      );
    case "in_use":
      return (
        <>
          <h1>{t("confirmEmail.inUseTitle")}</h1>
          <p>{t("confirmEmail.inUseBody", { merchant, email: data.email })}</p>
          {portalLink}
        </>
      );
    case "invalid":
      return (
        <>
          <h1>{t("confirmEmail.invalidTitle")}</h1>
          <p className="muted">{t("confirmEmail.invalidBody")}</p>
        </>
      );
  }
}
