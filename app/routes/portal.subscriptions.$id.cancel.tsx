import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PortalErrorView } from "~/components/portal/error-view";
import { SubmitButton } from "~/components/portal/ui";
import { requireSubscription } from "~/models/subscriptions.server";
import { cancelFromPortal } from "~/portal/actions.server";
import { orPortalError } from "~/portal/errors.server";
import { CANCEL_REASONS, parseCancelForm } from "~/portal/forms.server";
import { requireAllowed, requirePage, requirePortalAction } from "~/portal/guards.server";
import { NO_STORE } from "~/portal/http.server";
import { redirectWithNotice } from "~/portal/notices.server";
import { subscriptionForCancel } from "~/portal/view-models.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requirePage(request, context, "subscriptions");
  const settings = s.merchant.portalSettings.features.subscription_cancel;
  requireAllowed(settings.enabled);
  const row = orPortalError(() => requireSubscription({ merchantId: s.merchant.id, customerId: s.customer.id, id: params.id ?? "" }));
  return json(
    {
      subscription: subscriptionForCancel(s, row),
      mode: settings.mode,
      askReason: settings.ask_reason,
      reasons: CANCEL_REASONS,
      merchant: s.merchant.portalSettings.branding.display_name ?? s.merchant.name,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const s = await requirePortalAction(request, "subscriptions");
  const form = await request.formData();
  const parsed = parseCancelForm(s, form);
  if (Object.keys(parsed.errors).length > 0) return json({ errors: parsed.errors }, { status: 400, headers: NO_STORE });
  const notice = await cancelFromPortal(s, { subscriptionId: params.id ?? "", ...parsed });
  return redirectWithNotice("/portal/subscriptions", notice);
}

export default function CancelSubscription() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const { t } = useTranslation();
  const s = data.subscription;
  const [when, setWhen] = useState<"at_period_end" | "immediately">(data.mode === "immediately" ? "immediately" : "at_period_end");
  const errors: Record<string, string | undefined> = acted?.errors ?? {};
  const done = s.status === "cancelled" || s.cancelPendingOn;

  return (
    <div data-testid="page-cancel">
      <h1>{t("cancel.title", { plan: s.plan })}</h1>
      {s.status === "cancelled" ? (
        <p className="callout" data-testid="cancel-already">{t("cancel.alreadyCancelled")}</p>
      ) : s.cancelPendingOn ? (
        <p className="callout" data-testid="cancel-already">{t("cancel.alreadyPending", { date: s.cancelPendingOn })}</p>
      ) : null}
      {done ? (
        <p>
          <Link to="/portal/subscriptions">{t("nav.subscriptions")}</Link>
        </p>
      ) : (
        <Form method="post" className="form" data-testid="cancel-form" noValidate>
          <p>{t("cancel.intro", { plan: s.plan, price: t(`subscriptions.interval.${s.interval}`, { price: s.price, count: s.intervalCount }) })}</p>
          {data.mode === "customer_choice" ? (
            <fieldset className="field" aria-describedby={errors.when ? "when-error" : undefined}>
              <legend>{t("cancel.whenLegend")}</legend>
              <label className="choice">
                <input type="radio" name="when" value="at_period_end" checked={when === "at_period_end"} onChange={() => setWhen("at_period_end")} data-testid="when-at-period-end" />
                <span>{t("cancel.atPeriodEnd", { date: s.periodEnd })}</span>
              </label>
              <label className="choice">
                <input type="radio" name="when" value="immediately" checked={when === "immediately"} onChange={() => setWhen("immediately")} data-testid="when-immediately" />
                <span>{t("cancel.immediately")}</span>
              </label>
              {errors.when ? (
                <p className="error" id="when-error" data-testid="error-when">
                  {t(errors.when)}
                </p>
              ) : null}
            </fieldset>
          ) : (
            <input type="hidden" name="when" value={data.mode === "immediately" ? "immediately" : "at_period_end"} />
          )}
          <p className="muted" data-testid="cancel-effect">
            {when === "immediately" ? t("cancel.immediatelyInfo") : t("cancel.atPeriodEndInfo", { date: s.periodEnd })}
          </p>
          {data.askReason ? (
            <>
              <div className="field">
                <label htmlFor="cancel-reason">{t("cancel.reasonLabel")}</label>
                <select id="cancel-reason" name="reason" defaultValue="" aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? "reason-error" : undefined} data-testid="cancel-reason">
                  <option value="">{t("cancel.reasonNone")}</option>
                  {data.reasons.map((r) => (
                    <option key={r} value={r}>
                      {t(`cancel.reasons.${r}`)}
                    </option>
                  ))}
                </select>
                {errors.reason ? (
                  <p className="error" id="reason-error" data-testid="error-reason">
                    {t(errors.reason)}
                  </p>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor="cancel-feedback">{t("cancel.feedbackLabel", { merchant: data.merchant })}</label>
                <textarea id="cancel-feedback" name="feedback" maxLength={1000} rows={4} aria-invalid={errors.feedback ? true : undefined} aria-describedby={errors.feedback ? "feedback-error" : undefined} data-testid="cancel-feedback" />
                {errors.feedback ? (
                  <p className="error" id="feedback-error" data-testid="error-feedback">
                    {t(errors.feedback)}
                  </p>
                ) : null}
              </div>
            </>
          ) : null}
          <div className="row-actions">
            <SubmitButton variant="danger" testId="confirm-cancel">
              {t("cancel.confirm")}
            </SubmitButton>
            <Link to="/portal/subscriptions" className="button secondary" data-testid="keep-subscription">
              {t("cancel.keep")}
            </Link>
          </div>
        </Form>
      )}
    </div>
  );
}

export const ErrorBoundary = PortalErrorView;
