import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { cancelReasons } from "#db/schema/subscriptions";
import { CancelSubscriptionSchema, CreateSubscriptionSchema } from "~/schemas/billing";
import { subscriptionAmount } from "~/billing/money";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ActionButton, ErrorText, Field, FormDisclosure, Pager, Rows, Time, type FieldErrors } from "~/components/dashboard/ui";
import { customerTabPage, formFailure, money, requireCustomerTab, requireCustomerTabAction, runAction, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE } from "~/dashboard/guards.server";
import { redirectWithNotice, type DashboardNotice } from "~/dashboard/notices.server";
import { listProducts } from "~/models/products.server";
import { createSubscription, listSubscriptions, requireSubscription, resumeSubscription, scheduleCancellation } from "~/models/subscriptions.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const page = customerTabPage(args.request, scope, listSubscriptions, (row) => row.subscription.id);
  const canWrite = s.can("subscriptions:write");
  return json(
    {
      subscriptions: page.rows.map(({ subscription: sub, product }) => ({
        id: sub.id,
        productName: product.name,
        status: sub.status,
        pendingCancel: sub.cancelAtPeriodEnd && sub.status !== "cancelled",
        amount: money(subscriptionAmount(product.price, sub.quantity), product.currency, s.locale),
        quantity: sub.quantity,
        interval: product.interval,
        periodEnd: when(sub.currentPeriodEnd, s.locale),
        cancelledAt: when(sub.cancelledAt, s.locale),
        cancelReason: sub.cancelReason,
      })),
      products: canWrite
        ? listProducts({ merchantId: s.merchant.id, type: "subscription", limit: 100 }).rows.map((p) => ({ id: p.id, name: p.name, price: money(p.price, p.currency, s.locale), interval: p.interval }))
        : [],
      reasons: [...cancelReasons],
      pager: page.pager,
      canWrite,
    },
    { headers: NO_STORE },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { s, form, intent, customer, scope, page } = await requireCustomerTabAction(args, "subscriptions:write");
  const acting = { ...scope, actor: s.actor };
  const subscriptionId = formString(form, "subscription_id");
  const fail = (errors: FieldErrors, extra: Record<string, unknown> = {}) => formFailure(errors, { intent, subscriptionId, ...extra });

  if (intent === "cancel" || intent === "resume") {
    // Another customer's (or merchant's) subscription is this page's 404.
    tabPage(() => requireSubscription({ ...scope, id: subscriptionId }));
  }
  if (intent === "cancel") {
    const values = { when: formString(form, "when"), reason: formString(form, "reason"), feedback: formString(form, "feedback") };
    if (values.when !== "period_end" && values.when !== "now") return fail({ when: { key: "dash.validation.invalid" } }, { values });
    const parsed = CancelSubscriptionSchema.safeParse({ at_period_end: values.when === "period_end", reason: values.reason || null, feedback: values.feedback.trim() || null });
    if (!parsed.success) return fail(zodFieldErrors(parsed.error), { values });
    const done = runAction(() =>
      scheduleCancellation({ ...acting, id: subscriptionId, atPeriodEnd: parsed.data.at_period_end ?? true, reason: parsed.data.reason, feedback: parsed.data.feedback }),
    );
    if (!done.ok) return fail(done.errors, { values });
    return redirectWithNotice(page, values.when === "now" ? "subscription_cancelled" : "cancellation_scheduled");
  }
  if (intent === "resume") {
    const done = runAction(() => resumeSubscription({ ...acting, id: subscriptionId }));
    if (!done.ok) return fail(done.errors);
    return redirectWithNotice(page, "subscription_resumed");
  }
  if (intent === "attach") {
    const values = { product_id: formString(form, "product_id"), quantity: formString(form, "quantity") || "1" };
    const quantity = /^\d{1,7}$/.test(values.quantity.trim()) ? Number(values.quantity) : Number.NaN;
    const parsed = CreateSubscriptionSchema.safeParse({ customer_id: customer.id, product_id: values.product_id, quantity });
    if (!parsed.success) return fail(zodFieldErrors(parsed.error), { values });
    const done = runAction(() => createSubscription({ merchantId: s.merchant.id, input: parsed.data, actor: s.actor }));
    if (!done.ok) return fail(done.errors, { values });
    return redirectWithNotice(page, "subscription_created" satisfies DashboardNotice);
  }
  throw dashboardError(404, "not_found");
}

type Acted = { errors?: FieldErrors; intent?: string; subscriptionId?: string; values?: Record<string, string> } | undefined;

export default function CustomerSubscriptions() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as Acted;
  const { t } = useTranslation();
  return (
    <CustomerTabPanel tab="subscriptions" empty={data.subscriptions.length === 0 ? t("dash.customer.noSubscriptions") : null}>
      <Rows
        items={data.subscriptions}
        testId="subscription"
        main={(sub) => {
          const state = sub.status === "cancelled" ? "cancelled" : sub.pendingCancel ? "cancelling" : sub.status;
          return (
            <>
              <strong>{sub.productName}</strong>
              <span className={`badge ${state === "active" || state === "trialing" ? "good" : state === "cancelled" ? "neutral" : "warn"}`} data-testid={`subscription-status-${sub.id}`} data-state={state}>
                {t(`dash.customer.subscriptionState.${state}`)}
              </span>
              <p>
                {sub.amount}
                {sub.interval ? ` / ${t(`dash.customer.interval.${sub.interval}`)}` : ""}
                {sub.quantity > 1 ? ` · × ${sub.quantity}` : ""}
              </p>
              <p className="muted small">
                {sub.status === "cancelled" ? (
                  <>
                    {t("dash.customer.cancelledOn")} <Time {...sub.cancelledAt} />
                  </>
                ) : (
                  <>
                    {sub.pendingCancel ? t("dash.customer.endsOn") : t("dash.customer.renewsOn")} <Time {...sub.periodEnd} />
                  </>
                )}
                {sub.cancelReason ? ` · ${t(`dash.customer.reasons.${sub.cancelReason}`)}` : ""} · <code>{sub.id}</code>
              </p>
              <ErrorText id={`sub-error-${sub.id}`} error={acted?.subscriptionId === sub.id ? acted.errors?.form : undefined} testId={`subscription-error-${sub.id}`} />
            </>
          );
        }}
        actions={(sub) =>
          data.canWrite && sub.status !== "cancelled" ? <SubscriptionActions sub={sub} reasons={data.reasons} mine={acted?.subscriptionId === sub.id ? acted : undefined} /> : null
        }
      />
      <Pager {...data.pager} />
      {data.canWrite ? (
        <FormDisclosure
          kind="section"
          label={t("dash.customer.attach")}
          testId="attach-product"
          open={acted?.intent === "attach"}
          unavailable={data.products.length === 0 ? t("dash.customer.noProducts") : undefined}
          fields={{ intent: "attach" }}
          submit={{ label: t("dash.customer.attachSubmit"), testId: "attach-submit", name: "intent", value: "attach" }}
        >
          <ErrorText id="attach-error" error={acted?.intent === "attach" ? acted.errors?.form ?? acted.errors?.product_id : undefined} testId="attach-error" />
          <div className="field">
            <label htmlFor="attach-product">{t("dash.customer.product")}</label>
            <select id="attach-product" name="product_id" defaultValue={acted?.values?.product_id} data-testid="attach-product-id">
              {data.products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} — {p.price}
                  {p.interval ? ` / ${t(`dash.customer.interval.${p.interval}`)}` : ""}
                </option>
              ))}
            </select>
          </div>
          <Field name="quantity" label={t("dash.customer.quantity")} defaultValue={acted?.values?.quantity ?? "1"} errors={acted?.intent === "attach" ? acted.errors : undefined} idPrefix="attach" inputMode="numeric" />
        </FormDisclosure>
      ) : null}
    </CustomerTabPanel>
  );
}

type Subscription = ReturnType<typeof useLoaderData<typeof loader>>["subscriptions"][number];

/** Resume a pending cancellation; cancel now or at the period's end, with a reason and a note. */
function SubscriptionActions({ sub, reasons, mine }: { sub: Subscription; reasons: string[]; mine: Acted }) {
  const { t } = useTranslation();
  return (
    <>
      {sub.pendingCancel ? (
        <ActionButton fields={{ intent: "resume", subscription_id: sub.id }} label={t("dash.customer.resume")} testId={`resume-${sub.id}`} pendingWhen={["subscription_id", sub.id]} />
      ) : null}
      <FormDisclosure
        label={t("dash.customer.cancel")}
        variant="danger"
        testId={`cancel-${sub.id}`}
        open={mine?.intent === "cancel"}
        fields={{ intent: "cancel", subscription_id: sub.id }}
        submit={{ label: t("dash.customer.cancelSubmit"), variant: "danger", testId: `cancel-submit-${sub.id}`, pendingWhen: ["subscription_id", sub.id] }}
      >
        <fieldset>
          <legend>{t("dash.customer.cancelWhen")}</legend>
          {(sub.pendingCancel ? (["now"] as const) : (["period_end", "now"] as const)).map((w) => (
            <label key={w} className="check">
              <input type="radio" name="when" value={w} defaultChecked={(mine?.values?.when ?? (sub.pendingCancel ? "now" : "period_end")) === w} data-testid={`cancel-when-${w}-${sub.id}`} />
              <span>{w === "now" ? t("dash.customer.cancelNow") : t("dash.customer.cancelAtEnd")}</span>
            </label>
          ))}
          <ErrorText id={`when-error-${sub.id}`} error={mine?.errors?.when} />
        </fieldset>
        <div className="field">
          <label htmlFor={`reason-${sub.id}`}>{t("dash.customer.cancelReason")}</label>
          <select id={`reason-${sub.id}`} name="reason" defaultValue={mine?.values?.reason ?? ""} data-testid={`cancel-reason-${sub.id}`}>
            <option value="">{t("dash.customer.noReason")}</option>
            {reasons.map((r) => (
              <option key={r} value={r}>
                {t(`dash.customer.reasons.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <Field name="feedback" label={t("dash.customer.cancelNote")} defaultValue={mine?.values?.feedback ?? ""} errors={mine?.errors} idPrefix={`cancel-${sub.id}`} maxLength={1000} />
      </FormDisclosure>
    </>
  );
}

export const ErrorBoundary = DashboardErrorView;
