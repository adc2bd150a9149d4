import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { cancelReasons } from "#db/schema/subscriptions";
import { CancelSubscriptionSchema, CreateSubscriptionSchema } from "~/schemas/billing";
import { subscriptionAmount } from "~/billing/money";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorText, Field, Pager, SubmitButton, Time, type FieldErrors } from "~/components/dashboard/ui";
import { afterParam, formFailure, money, olderLink, requireStaffCustomer, runAction, TAB_PAGE_SIZE, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice, type DashboardNotice } from "~/dashboard/notices.server";
import { listProducts } from "~/models/products.server";
import { createSubscription, listSubscriptions, requireSubscription, resumeSubscription, scheduleCancellation } from "~/models/subscriptions.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const after = afterParam(request);
  const page = tabPage(() => listSubscriptions({ merchantId: s.merchant.id, customerId: customer.id, limit: TAB_PAGE_SIZE, startingAfter: after }));
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
      older: olderLink(request, page.hasMore, page.rows.at(-1)?.subscription.id),
      newest: after ? new URL(request.url).pathname : null,
      canWrite,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "subscriptions:write", context.clientIp);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const customer = requireStaffCustomer(s, params.id);
  const scope = { merchantId: s.merchant.id, customerId: customer.id, actor: s.actor };
  const page = new URL(request.url).pathname;
  const subscriptionId = formString(form, "subscription_id");
  const fail = (errors: FieldErrors, extra: Record<string, unknown> = {}) => formFailure(errors, { intent, subscriptionId, ...extra });

  if (intent === "cancel" || intent === "resume") {
    // Another customer's (or merchant's) subscription is this page's 404.
    tabPage(() => requireSubscription({ merchantId: s.merchant.id, customerId: customer.id, id: subscriptionId }));
  }
  if (intent === "cancel") {
    const values = { when: formString(form, "when"), reason: formString(form, "reason"), feedback: formString(form, "feedback") };
    if (values.when !== "period_end" && values.when !== "now") return fail({ when: { key: "dash.validation.invalid" } }, { values });
    const parsed = CancelSubscriptionSchema.safeParse({ at_period_end: values.when === "period_end", reason: values.reason || null, feedback: values.feedback.trim() || null });
    if (!parsed.success) return fail(zodFieldErrors(parsed.error), { values });
    const done = runAction(() =>
      scheduleCancellation({ ...scope, id: subscriptionId, atPeriodEnd: parsed.data.at_period_end ?? true, reason: parsed.data.reason, feedback: parsed.data.feedback }),
    );
    if (!done.ok) return fail(done.errors, { values });
    return redirectWithNotice(page, values.when === "now" ? "subscription_cancelled" : "cancellation_scheduled");
  }
  if (intent === "resume") {
    const done = runAction(() => resumeSubscription({ ...scope, id: subscriptionId }));
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
    <section aria-labelledby="subscriptions-title" data-testid="tab-panel-subscriptions">
      <h2 id="subscriptions-title" className="section-title">
        {t("dash.customer.tabs.subscriptions")}
      </h2>
      {data.subscriptions.length === 0 ? <p className="muted">{t("dash.customer.noSubscriptions")}</p> : null}
      <ul className="rows" data-testid="subscription-list">
        {data.subscriptions.map((sub) => {
          const mine = acted?.subscriptionId === sub.id ? acted : undefined;
          const state = sub.status === "cancelled" ? "cancelled" : sub.pendingCancel ? "cancelling" : sub.status;
          return (
            <li key={sub.id} data-testid={`subscription-${sub.id}`}>
              <div className="row-main">
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
                <ErrorText id={`sub-error-${sub.id}`} error={mine?.errors?.form} testId={`subscription-error-${sub.id}`} />
              </div>
              {data.canWrite && sub.status !== "cancelled" ? (
                <div className="row-actions">
                  {sub.pendingCancel ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="intent" value="resume" />
                      <input type="hidden" name="subscription_id" value={sub.id} />
                      <SubmitButton variant="secondary" small testId={`resume-${sub.id}`} pendingWhen={["subscription_id", sub.id]}>
                        {t("dash.customer.resume")}
                      </SubmitButton>
                    </Form>
                  ) : null}
                  <details className="row-form" open={mine?.intent === "cancel" ? true : undefined}>
                    <summary className="button danger small" data-testid={`cancel-${sub.id}`}>
                      {t("dash.customer.cancel")}
                    </summary>
                    <Form method="post" className="form" noValidate>
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="subscription_id" value={sub.id} />
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
                          {data.reasons.map((r) => (
                            <option key={r} value={r}>
                              {t(`dash.customer.reasons.${r}`)}
                            </option>
                          ))}
                        </select>
                      </div>
                      <Field name="feedback" label={t("dash.customer.cancelNote")} defaultValue={mine?.values?.feedback ?? ""} errors={mine?.errors} idPrefix={`cancel-${sub.id}`} maxLength={1000} />
                      <div>
                        <SubmitButton variant="danger" testId={`cancel-submit-${sub.id}`} pendingWhen={["subscription_id", sub.id]}>
                          {t("dash.customer.cancelSubmit")}
                        </SubmitButton>
                      </div>
                    </Form>
                  </details>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Pager newest={data.newest} older={data.older} />
      {data.canWrite ? (
        <details className="card section" open={acted?.intent === "attach" ? true : undefined}>
          <summary className="button secondary small" data-testid="attach-product">
            {t("dash.customer.attach")}
          </summary>
          {data.products.length === 0 ? (
            <p className="muted">{t("dash.customer.noProducts")}</p>
          ) : (
            <Form method="post" className="form" noValidate>
              <input type="hidden" name="intent" value="attach" />
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
              <div>
                <SubmitButton testId="attach-submit" name="intent" value="attach">
                  {t("dash.customer.attachSubmit")}
                </SubmitButton>
              </div>
            </Form>
          )}
        </details>
      ) : null}
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
