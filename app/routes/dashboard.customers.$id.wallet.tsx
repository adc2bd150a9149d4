import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CreateLedgerEntrySchema } from "~/schemas/billing";
import { parseMajorUnits } from "~/billing/currency";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorSummary, ErrorText, Field, Pager, SubmitButton, Time, type FieldErrors } from "~/components/dashboard/ui";
import { afterParam, formFailure, formIdempotencyKey, money, olderLink, requireStaffCustomer, runAction, TAB_PAGE_SIZE, tabPage } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { bookLedgerEntry, listLedgerEntries, listWallets } from "~/models/wallets.server";
import { CurrencySchema } from "~/utils/fields";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  const after = afterParam(request);
  const scope = { merchantId: s.merchant.id, customerId: customer.id };
  const page = tabPage(() => listLedgerEntries({ ...scope, limit: TAB_PAGE_SIZE, startingAfter: after }));
  const canWrite = s.can("wallets:write");
  return json(
    {
      balances: listWallets(scope).map((w) => ({ currency: w.currency, balance: money(w.balance, w.currency, s.locale) })),
      entries: page.rows.map((e) => ({
        id: e.id,
        type: e.entryType,
        amount: money(e.amount, e.currency, s.locale),
        balanceAfter: money(e.balanceAfter, e.currency, s.locale),
        reason: e.reason,
        createdAt: when(e.createdAt, s.locale),
      })),
      older: olderLink(request, page.hasMore, page.rows.at(-1)?.id),
      newest: after ? new URL(request.url).pathname : null,
      canWrite,
      // Rendered into the form: the same submission sent twice books one entry.
      idempotencyKey: canWrite ? formIdempotencyKey() : null,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "wallets:write", context.clientIp);
  const form = await request.formData();
  const customer = requireStaffCustomer(s, params.id);
  const values = {
    entry_type: formString(form, "entry_type"),
    currency: formString(form, "currency").trim(),
    amount: formString(form, "amount"),
    reason: formString(form, "reason"),
    idempotency_key: formString(form, "idempotency_key"),
  };
  const fail = (errors: FieldErrors) => formFailure(errors, { values });
  const currency = CurrencySchema.safeParse(values.currency);
  if (!currency.success) return fail({ currency: { key: "dash.fieldRules.currency" } });
  const amount = parseMajorUnits(values.amount, currency.data);
  if (amount === null || amount === 0) return fail({ amount: { key: "dash.fieldRules.amount" } });
  const parsed = CreateLedgerEntrySchema.safeParse({
    currency: currency.data,
    amount,
    entry_type: values.entry_type,
    reason: values.reason.trim() === "" ? null : values.reason,
    idempotency_key: values.idempotency_key || undefined,
  });
  if (!parsed.success) return fail(zodFieldErrors(parsed.error));
  // Wallet entries need a recent password or code (DASHBOARD.md).
  await requireRecentAuth(s, form);
  const done = runAction(() => bookLedgerEntry({ merchantId: s.merchant.id, customerId: customer.id, input: parsed.data, actor: s.actor }));
  if (!done.ok) return fail(done.errors);
  return redirectWithNotice(new URL(request.url).pathname, done.value.entry.entryType === "credit" ? "wallet_credited" : "wallet_debited");
}

export default function CustomerWallet() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as { errors?: FieldErrors; values?: Record<string, string> } | undefined;
  const { t } = useTranslation();
  const errors = acted?.errors;
  const v = acted?.values;
  return (
    <section aria-labelledby="wallet-title" data-testid="tab-panel-wallet">
      <h2 id="wallet-title" className="section-title">
        {t("dash.customer.tabs.wallet")}
      </h2>
      {data.balances.length === 0 ? <p className="muted">{t("dash.customer.noWallet")}</p> : null}
      <ul className="balances" data-testid="wallet-balances">
        {data.balances.map((b) => (
          <li key={b.currency} className="card" data-testid={`balance-${b.currency}`}>
            <span className="muted small">{b.currency}</span>
            <strong>{b.balance}</strong>
          </li>
        ))}
      </ul>
      {data.canWrite ? (
        <details className="card section" open={errors ? true : undefined}>
          <summary className="button secondary small" data-testid="wallet-entry">
            {t("dash.customer.walletEntry")}
          </summary>
          <Form method="post" className="form" noValidate data-testid="wallet-form">
            <input type="hidden" name="idempotency_key" value={v?.idempotency_key || data.idempotencyKey || ""} />
            <ErrorSummary errors={errors} />
            <fieldset>
              <legend>{t("dash.customer.entryType")}</legend>
              {(["credit", "debit"] as const).map((type) => (
                <label key={type} className="check">
                  <input type="radio" name="entry_type" value={type} defaultChecked={(v?.entry_type ?? "credit") === type} data-testid={`entry-${type}`} />
                  <span>{t(`dash.customer.entry.${type}`)}</span>
                </label>
              ))}
              <ErrorText id="entry-type-error" error={errors?.entry_type} />
            </fieldset>
            <Field name="currency" label={t("dash.customer.currency")} hint={t("dash.customer.currencyHint")} defaultValue={v?.currency ?? data.balances[0]?.currency ?? ""} errors={errors} idPrefix="wallet" maxLength={3} />
            <Field name="amount" label={t("dash.customer.amount")} defaultValue={v?.amount ?? ""} errors={errors} idPrefix="wallet" inputMode="text" />
            <Field name="reason" label={t("dash.customer.reason")} defaultValue={v?.reason ?? ""} errors={errors} idPrefix="wallet" maxLength={1000} />
            <div>
              <SubmitButton testId="wallet-submit">{t("dash.customer.walletSubmit")}</SubmitButton>
            </div>
          </Form>
        </details>
      ) : null}
      <h3 className="section-title">{t("dash.customer.ledger")}</h3>
      {data.entries.length === 0 ? <p className="muted">{t("dash.customer.noEntries")}</p> : null}
      {data.entries.length > 0 ? (
        <div className="table-wrap">
          <table className="table stack" data-testid="ledger">
            <thead>
              <tr>
                <th scope="col">{t("dash.customer.when")}</th>
                <th scope="col">{t("dash.customer.entryType")}</th>
                <th scope="col">{t("dash.customer.amount")}</th>
                <th scope="col">{t("dash.customer.balanceAfter")}</th>
                <th scope="col">{t("dash.customer.reason")}</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id} data-testid={`entry-${e.id}`}>
                  <td data-label={t("dash.customer.when")}>
                    <Time {...e.createdAt} />
                  </td>
                  <td data-label={t("dash.customer.entryType")}>{t(`dash.customer.entry.${e.type}`)}</td>
                  <td data-label={t("dash.customer.amount")}>{e.amount}</td>
                  <td data-label={t("dash.customer.balanceAfter")}>{e.balanceAfter}</td>
                  <td data-label={t("dash.customer.reason")}>{e.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager newest={data.newest} older={data.older} />
    </section>
  );
}

export const ErrorBoundary = DashboardErrorView;
