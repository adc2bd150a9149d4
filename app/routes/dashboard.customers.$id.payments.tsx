import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { json } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { CreateRefundSchema } from "~/schemas/billing";
import { parseMajorUnits, toMajorUnitString } from "~/billing/currency";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorText, Field, Pager, SubmitButton, Time, type FieldErrors } from "~/components/dashboard/ui";
import { afterParam, formFailure, money, olderLink, requireStaffCustomer, runAction, TAB_PAGE_SIZE, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { listPayments, listRefunds, refundPayment, requirePayment } from "~/models/payments.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const after = afterParam(request);
  const page = tabPage(() => listPayments({ merchantId: s.merchant.id, customerId: customer.id, limit: TAB_PAGE_SIZE, startingAfter: after }));
  return json(
    {
      payments: page.rows.map(({ payment: p, items }) => {
        const remaining = p.amount - p.amountRefunded;
        return {
          id: p.id,
          status: p.status,
          amount: money(p.amount, p.currency, s.locale),
          refunded: p.amountRefunded > 0 ? money(p.amountRefunded, p.currency, s.locale) : null,
          currency: p.currency,
          description: items.map((i) => i.description).join(", "),
          invoiceNumber: p.invoiceNumber,
          method: p.paymentMethod ? [p.paymentMethod.brand ?? p.paymentMethod.type, p.paymentMethod.last4 ? `•••• ${p.paymentMethod.last4}` : null].filter(Boolean).join(" ") : null,
          failureReason: p.failureReason,
          createdAt: when(p.createdAt, s.locale),
          // The refund form's default: the rest, in major units as a person types it.
          refundable: (p.status === "succeeded" || p.status === "partially_refunded") && remaining > 0 ? toMajorUnitString(remaining, p.currency) : null,
          refunds: p.amountRefunded > 0 ? listRefunds({ paymentId: p.id }).map((r) => ({ id: r.id, amount: money(r.amount, r.currency, s.locale), reason: r.reason, createdAt: when(r.createdAt, s.locale) })) : [],
        };
      }),
      older: olderLink(request, page.hasMore, page.rows.at(-1)?.payment.id),
      newest: after ? new URL(request.url).pathname : null,
      canRefund: s.can("payments:refund"),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "payments:refund", context.clientIp);
  const form = await request.formData();
  if (formString(form, "intent") !== "refund") throw dashboardError(404, "not_found");
  const customer = requireStaffCustomer(s, params.id);
  const paymentId = formString(form, "payment_id");
  const { payment } = tabPage(() => requirePayment({ merchantId: s.merchant.id, customerId: customer.id, id: paymentId }));
  const values = { amount: formString(form, "amount"), reason: formString(form, "reason") };
  const fail = (errors: FieldErrors) => formFailure(errors, { paymentId, values });
  // Blank means the rest (the API's default); otherwise major units, exact, in the payment's currency.
  let amount: number | undefined;
  if (values.amount.trim() !== "") {
    const parsed = parseMajorUnits(values.amount, payment.currency);
    if (parsed === null || parsed === 0) return fail({ amount: { key: "dash.fieldRules.amount" } });
    amount = parsed;
  }
  const parsed = CreateRefundSchema.safeParse({ amount, reason: values.reason.trim() === "" ? null : values.reason });
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  // Refunds need a recent password or code (DASHBOARD.md).
  await requireRecentAuth(s, form);
  const done = runAction(() => refundPayment({ merchantId: s.merchant.id, paymentId: payment.id, amount: parsed.data.amount, reason: parsed.data.reason, actor: s.actor }));
  if (!done.ok) return fail(done.errors);
  return redirectWithNotice(new URL(request.url).pathname, "refunded");
}

export default function CustomerPayments() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as { errors?: FieldErrors; paymentId?: string; values?: Record<string, string> } | undefined;
  const { t } = useTranslation();
  return (
    <section aria-labelledby="payments-title" data-testid="tab-panel-payments">
      <h2 id="payments-title" className="section-title">
        {t("dash.customer.tabs.payments")}
      </h2>
      {data.payments.length === 0 ? <p className="muted">{t("dash.customer.noPayments")}</p> : null}
      <ul className="rows" data-testid="payment-list">
        {data.payments.map((p) => {
          const mine = acted?.paymentId === p.id ? acted : undefined;
          return (
            <li key={p.id} data-testid={`payment-${p.id}`}>
              <div className="row-main">
                <strong data-testid={`payment-amount-${p.id}`}>{p.amount}</strong>
                <span className={`badge ${p.status === "succeeded" ? "good" : p.status === "failed" ? "bad" : p.status === "pending" ? "warn" : "neutral"}`} data-testid={`payment-status-${p.id}`}>
                  {t(`dash.customer.paymentStatus.${p.status}`)}
                </span>
                <p>{p.description}</p>
                <p className="muted small">
                  <Time {...p.createdAt} />
                  {p.invoiceNumber ? ` · ${p.invoiceNumber}` : ""}
                  {p.method ? ` · ${p.method}` : ""} · <code>{p.id}</code>
                </p>
                {p.failureReason ? <p className="muted small">{p.failureReason}</p> : null}
                {p.refunded ? (
                  <p className="small" data-testid={`payment-refunded-${p.id}`}>
                    {t("dash.customer.refundedAmount", { amount: p.refunded })}
                  </p>
                ) : null}
                {p.refunds.length > 0 ? (
                  <ul className="small refund-list">
                    {p.refunds.map((r) => (
                      <li key={r.id}>
                        {r.amount} · <Time {...r.createdAt} />
                        {r.reason ? ` · ${r.reason}` : ""}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
              {data.canRefund && p.refundable ? (
                <details className="row-form" open={mine ? true : undefined}>
                  <summary className="button secondary small" data-testid={`refund-${p.id}`}>
                    {t("dash.customer.refund")}
                  </summary>
                  <Form method="post" className="form" noValidate>
                    <input type="hidden" name="intent" value="refund" />
                    <input type="hidden" name="payment_id" value={p.id} />
                    <ErrorText id={`refund-form-error-${p.id}`} error={mine?.errors?.form} testId="form-error" />
                    <Field
                      name="amount"
                      label={t("dash.customer.refundAmount", { currency: p.currency })}
                      hint={t("dash.customer.refundAmountHint", { rest: p.refundable })}
                      defaultValue={mine?.values?.amount ?? p.refundable}
                      errors={mine?.errors}
                      idPrefix={`refund-${p.id}`}
                      inputMode="text"
                    />
                    <Field name="reason" label={t("dash.customer.reason")} defaultValue={mine?.values?.reason ?? ""} errors={mine?.errors} idPrefix={`refund-${p.id}`} maxLength={1000} />
                    <div>
                      <SubmitButton variant="danger" testId={`refund-submit-${p.id}`} pendingWhen={["payment_id", p.id]}>
                        {t("dash.customer.refundSubmit")}
                      </SubmitButton>
                    </div>
                  </Form>
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
      <Pager newest={data.newest} older={data.older} />
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
