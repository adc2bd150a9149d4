import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import { getMerchantById, merchantBranding, signInPath } from "~/models/merchants.server";
import { sendSignInLink } from "~/models/sign-in.server";
import { BrandedCard, CardHeading, IntentButton, type Branding } from "~/portal/branded-page";
import { assertSameOrigin } from "~/utils/csrf.server";
import { routeHeaders, TOKEN_PAGE_HEADERS } from "~/portal/http.server";
import { checkPortalLink, exchangeLink, liveSessionFromLink } from "~/portal/links.server";
import { now } from "~/utils/clock.server";
import { env } from "~/utils/env.server";
import { type PortalClaims, verifyPortalToken } from "~/utils/portal-tokens.server";
import { rateLimiter, RateLimitedError } from "~/utils/rate-limit.server";
import { getKeyring } from "~/utils/signing-keys.server";


type View =
  | { state: "continue"; locale: Locale; branding: Branding }
  | { state: "invalid"; locale: Locale; branding: Branding | null; canResend: boolean; signInPath: string | null }
  | { state: "resent"; locale: Locale; branding: Branding | null }
  | { state: "rate_limited"; locale: Locale; branding: null };

export const meta: MetaFunction = () => [{ title: "Billing portal" }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = (args) => routeHeaders(TOKEN_PAGE_HEADERS, args);

const view = (data: View, status = 200, extra: Record<string, string> = {}) =>
  json(data, { status, headers: { ...TOKEN_PAGE_HEADERS, ...extra } });

const merchantOf = (claims: PortalClaims | null) => (claims ? getMerchantById(claims.mid) : undefined);

/** The one page every failure shows: 401, branded only from verified claims, no reason given. */
function invalidLink(request: Request, claims: PortalClaims | null) {
  const merchant = merchantOf(claims);
  const locale = negotiateLocale({ request, merchantDefault: merchant?.portalSettings.branding.default_locale });
  return view(
    {
      state: "invalid",
      locale,
      branding: merchant ? merchantBranding(merchant) : null,
      canResend: Boolean(merchant),
      signInPath: merchant ? signInPath(merchant) : null,
    },
    401,
  );
}

/** The per-IP limit of token pages; a refusal is the page's own 429 view, with Retry-After. */
function refusedByIpLimit(request: Request, clientIp: string) {
  try {
    rateLimiter.enforce("portal.token_page.ip", clientIp);
    return null;
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    return view({ state: "rate_limited", locale: negotiateLocale({ request }), branding: null }, 429, { "Retry-After": String(error.retryAfterS) });
  }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const refused = refusedByIpLimit(request, context.clientIp);
  if (refused) return refused;
  const check = await checkPortalLink(params.token ?? "");
  if (!check.ok) {
    if (await liveSessionFromLink(request, check.claims)) return redirect("/portal", { status: 303, headers: TOKEN_PAGE_HEADERS });
    return invalidLink(request, check.claims);
  }
  const { link } = check;
  if (link.portalSession.kind === "redirect" && request.method === "GET") {
    // The documented exception to "no state change on GET": a redirect link is spent by its
    // first GET, because the merchant's own app sends the customer here a moment after minting.
    const exchanged = await exchangeLink(link, request);
    if (!exchanged) return invalidLink(request, check.claims);
    return redirect(exchanged.location, { status: 303, headers: { ...TOKEN_PAGE_HEADERS, "Set-Cookie": exchanged.cookie } });
  }
  // Emailed links only render: mail scanners fetch (and run) links, so only a click may spend.
  const locale = negotiateLocale({
    sessionLocale: link.portalSession.locale,
    request,
    merchantDefault: link.merchant.portalSettings.branding.default_locale,
  });
  return view({ state: "continue", locale, branding: merchantBranding(link.merchant) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const form = await request.formData().catch(() => new FormData());
  const intent = form.get("intent");
  const refused = refusedByIpLimit(request, context.clientIp);
  if (refused) return refused;
  const token = params.token ?? "";

  if (intent === "resend") {
    // Only a verified signature names the customer (an expired or spent link still has one).
    const verified = await verifyPortalToken(token, { keyring: await getKeyring(), issuer: env.PUBLIC_URL, currentDate: now() });
    const claims = verified.ok ? verified.claims : (verified.claims ?? null);
    const merchant = merchantOf(claims);
    if (claims && merchant) {
      try {
        rateLimiter.enforceInOrder(["portal.sign_in.ip", context.clientIp], ["portal.sign_in.address", `${claims.mid}:${claims.sub}`]);
        await sendSignInLink({ merchant, customerId: claims.sub, locale: null });
      } catch (error) {
        // Same answer whether or not a mail went out, limited or not.
        if (!(error instanceof RateLimitedError)) throw error;
      }
    }
    const locale = negotiateLocale({ request, merchantDefault: merchant?.portalSettings.branding.default_locale });
    return view({ state: "resent", locale, branding: merchant ? merchantBranding(merchant) : null });
  }

  const check = await checkPortalLink(token);
  if (!check.ok) {
    if (await liveSessionFromLink(request, check.claims)) return redirect("/portal", { status: 303, headers: TOKEN_PAGE_HEADERS });
    return invalidLink(request, check.claims);
  }
  const exchanged = await exchangeLink(check.link, request);
  if (!exchanged) return invalidLink(request, check.claims);
  return redirect(exchanged.location, { status: 303, headers: { ...TOKEN_PAGE_HEADERS, "Set-Cookie": exchanged.cookie } });
}

// Never re-run the loader after a post from this page (it is the token page's own state).
export const shouldRevalidate = () => false;

export default function PortalLinkPage() {
  const loaded = useLoaderData<typeof loader>() as View;
  const acted = useActionData<typeof action>() as View | undefined;
  const data = acted ?? loaded;
  return (
    <BrandedCard branding={data.branding} locale={data.locale}>
      <PageBody data={data} />
    </BrandedCard>
  );
}

function PageBody({ data }: { data: View }) {
  const { t } = useTranslation();
  const merchant = data.branding?.name ?? "";
  switch (data.state) {
    case "continue":
      // A plain form, no script: a scanner that renders the page never clicks it.
      return (
        <>
          <CardHeading title={t("token.continueTitle", { merchant })} body={t("token.continueBody", { merchant })} />
          <IntentButton intent="continue" label={t("token.continueButton")} />
        </>
      );
    case "invalid":
      return (
        <>
          <CardHeading title={t("token.expiredTitle")} body={t("token.expiredBody")} />
          {data.canResend ? (
            <IntentButton intent="resend" label={t("token.emailMeButton")} />
          ) : (
            <p className="muted">{t("token.openFromMerchant")}</p>
          )}
          {data.signInPath ? (
            <p className="muted">
              {t("token.signInPointer")} <a href={data.signInPath}>{t("token.signInPointerLink")}</a>
            </p>
          ) : null}
        </>
      );
    case "resent":
      return <CardHeading title={t("token.emailSentTitle")} body={t("token.emailSentBody")} />;
    case "rate_limited":
      return <CardHeading title={t("token.expiredTitle")} body={t("token.tooMany")} />;
  }
}
