import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { json } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { CreateRefundSchema } from "~/schemas/billing";
import { parseMajorUnits, toMajorUnitString } from "~/billing/currency";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorText, Field, FormDisclosure, Pager, Rows, Time, type FieldErrors } from "~/components/dashboard/ui";
import { customerTabPage, formFailure, money, requireCustomerTab, requireCustomerTabAction, runAction, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { listPayments, listRefunds, refundPayment, requirePayment } from "~/models/payments.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const page = customerTabPage(args.request, scope, listPayments, (row) => row.payment.id);
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
      pager: page.pager,
      canRefund: s.can("payments:refund"),
    },
    { headers: NO_STORE },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { s, form, intent, scope, page } = await requireCustomerTabAction(args, "payments:refund");
  if (intent !== "refund") throw dashboardError(404, "not_found");
  const paymentId = formString(form, "payment_id");
  const { payment } = tabPage(() => requirePayment({ ...scope, id: paymentId }));
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
  return redirectWithNotice(page, "refunded");
}

export default function CustomerPayments() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as { errors?: FieldErrors; paymentId?: string; values?: Record<string, string> } | undefined;
  const { t } = useTranslation();
  return (
    <CustomerTabPanel tab="payments" empty={data.payments.length === 0 ? t("dash.customer.noPayments") : null}>
      <Rows
        items={data.payments}
        testId="payment"
        main={(p) => (
          <>
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
          </>
        )}
        actions={(p) => {
          if (!data.canRefund || !p.refundable) return null;
          const mine = acted?.paymentId === p.id ? acted : undefined;
          return (
            <FormDisclosure
              label={t("dash.customer.refund")}
              testId={`refund-${p.id}`}
              open={Boolean(mine)}
              fields={{ intent: "refund", payment_id: p.id }}
              submit={{ label: t("dash.customer.refundSubmit"), variant: "danger", testId: `refund-submit-${p.id}`, pendingWhen: ["payment_id", p.id] }}
            >
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
            </FormDisclosure>
          );
        }}
      />
      <Pager {...data.pager} />
    </CustomerTabPanel>
  );
}

export const ErrorBoundary = DashboardErrorView;
