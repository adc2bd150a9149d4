import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/index";
import { negotiateLocale } from "~/i18n/negotiate.server";
import { getMerchantBySlug, merchantBranding } from "~/models/merchants.server";
import { redeemCodeForLink, sendSignInLink } from "~/models/sign-in.server";
import { BrandedCard, CardHeading, type Branding } from "~/portal/branded-page";
import { routeHeaders } from "~/portal/http.server";
import { exchangeLink } from "~/portal/links.server";
import { assertSameOrigin } from "~/utils/csrf.server";
import { EmailSchema } from "~/utils/fields";
import { rateLimiter, RateLimitedError } from "~/utils/rate-limit.server";

const HEADERS = { "Cache-Control": "no-store" };
export const headers: HeadersFunction = (args) => routeHeaders(HEADERS, args);
export const meta: MetaFunction = () => [{ title: "Sign in" }];

type ActionData = { step: "email" | "code"; email: string; error: "email" | "code" | "rate_limited" | null };

function merchantFor(slug: string | undefined) {
  const merchant = slug && /^[a-z0-9-]{1,48}$/.test(slug) ? getMerchantBySlug(slug) : undefined;
  if (!merchant) throw new Response("Not found", { status: 404 });
  return merchant;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const merchant = merchantFor(params.merchantSlug);
  const locale: Locale = negotiateLocale({ request, merchantDefault: merchant.portalSettings.branding.default_locale });
  return json({ locale, branding: merchantBranding(merchant) as Branding }, { headers: HEADERS });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const merchant = merchantFor(params.merchantSlug);
  const form = await request.formData().catch(() => new FormData());
  const rawEmail = String(form.get("email") ?? "").slice(0, 320);
  const parsed = EmailSchema.safeParse(rawEmail);
  if (!parsed.success) return json<ActionData>({ step: "email", email: rawEmail, error: "email" }, { status: 422, headers: HEADERS });
  const email = parsed.data.toLowerCase();

  try {
    if (form.get("intent") === "code") {
      // Per IP first: a request it refuses never creates or charges the address's counter.
      rateLimiter.enforceInOrder(["portal.code.ip", context.clientIp], ["portal.code.address", `${merchant.id}:${email}`]);
      const link = redeemCodeForLink({ merchantId: merchant.id, email, code: String(form.get("code") ?? "").slice(0, 32) });
      const exchanged = link ? await exchangeLink(link, request) : null;
      if (!exchanged) return json<ActionData>({ step: "code", email, error: "code" }, { status: 422, headers: HEADERS });
      return redirect(exchanged.location, { status: 303, headers: { ...HEADERS, "Set-Cookie": exchanged.cookie } });
    }
    // Per IP first: a request it refuses never creates or charges the address's counter.
    rateLimiter.enforceInOrder(["portal.sign_in.ip", context.clientIp], ["portal.sign_in.address", `${merchant.id}:${email}`]);
    const locale = negotiateLocale({ request, merchantDefault: merchant.portalSettings.branding.default_locale });
    await sendSignInLink({ merchant, email, locale });
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    return json<ActionData>(
      { step: form.get("intent") === "code" ? "code" : "email", email, error: "rate_limited" },
      { status: 429, headers: { ...HEADERS, "Retry-After": String(error.retryAfterS) } },
    );
  }
  // The same answer whether or not the address belongs to a customer.
  return json<ActionData>({ step: "code", email, error: null }, { headers: HEADERS });
}

export default function SignInPage() {
  const { locale, branding } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionData | undefined;
  return (
    <BrandedCard branding={branding} locale={locale}>
      <SignInForms merchant={branding.name} result={result} />
    </BrandedCard>
  );
}

function SignInForms({ merchant, result }: { merchant: string; result: ActionData | undefined }) {
  const { t } = useTranslation();
  const error =
    result?.error === "rate_limited" ? t("signIn.tooMany") : result?.error === "code" ? t("signIn.codeInvalid") : result?.error === "email" ? t("signIn.emailInvalid") : null;
  if (result?.step === "code") {
    return (
      <>
        <CardHeading title={t("signIn.sentTitle")} body={t("signIn.sentBody", { email: result.email, merchant })} error={error} />
        <form method="post">
          <input type="hidden" name="intent" value="code" />
          <input type="hidden" name="email" value={result.email} />
          <label htmlFor="code">{t("signIn.codeLabel")}</label>
          <input
            id="code"
            name="code"
            required
            autoComplete="one-time-code"
            inputMode="text"
            autoCapitalize="characters"
            maxLength={12}
            style={{ display: "block", width: "100%", fontSize: "1.5rem", letterSpacing: "0.3em", margin: "0.5rem 0 1rem", padding: "0.5rem" }}
          />
          <button type="submit" className="button">
            {t("signIn.codeButton")}
          </button>
        </form>
        <p>
          <a href="">{t("signIn.useDifferentEmail")}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <CardHeading title={t("signIn.title", { merchant })} body={t("signIn.intro", { merchant })} error={error} />
      <form method="post">
        <input type="hidden" name="intent" value="email" />
        <label htmlFor="email">{t("signIn.emailLabel")}</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autoComplete="email"
          defaultValue={result?.email}
          style={{ display: "block", width: "100%", fontSize: "1rem", margin: "0.5rem 0 1rem", padding: "0.6rem" }}
        />
        <button type="submit" className="button">
          {t("signIn.sendButton")}
        </button>
      </form>
    </>
  );
}
