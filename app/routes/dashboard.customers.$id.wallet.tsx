import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CreateLedgerEntrySchema } from "~/schemas/billing";
import { parseMajorUnits } from "~/billing/currency";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { ErrorSummary, ErrorText, Field, FormDisclosure, Pager, StackTable, Time, type FieldErrors } from "~/components/dashboard/ui";
import { customerTabPage, formFailure, formIdempotencyKey, money, requireCustomerTab, requireCustomerTabAction, runAction } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { NO_STORE } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { bookLedgerEntry, listLedgerEntries, listWallets } from "~/models/wallets.server";
import { CurrencySchema } from "~/utils/fields";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const page = customerTabPage(args.request, scope, listLedgerEntries, (entry) => entry.id);
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
      pager: page.pager,
      canWrite,
      // Rendered into the form: the same submission sent twice books one entry.
      idempotencyKey: canWrite ? formIdempotencyKey() : null,
    },
    { headers: NO_STORE },
  );
}

export async function action(args: ActionFunctionArgs) {
  const { s, form, scope, page } = await requireCustomerTabAction(args, "wallets:write");
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
  const done = runAction(() => bookLedgerEntry({ ...scope, input: parsed.data, actor: s.actor }));
  if (!done.ok) return fail(done.errors);
  return redirectWithNotice(page, done.value.entry.entryType === "credit" ? "wallet_credited" : "wallet_debited");
}

export default function CustomerWallet() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as { errors?: FieldErrors; values?: Record<string, string> } | undefined;
  const { t } = useTranslation();
  const errors = acted?.errors;
  const v = acted?.values;
  return (
    <CustomerTabPanel tab="wallet" empty={data.balances.length === 0 ? t("dash.customer.noWallet") : null}>
      <ul className="balances" data-testid="wallet-balances">
        {data.balances.map((b) => (
          <li key={b.currency} className="card" data-testid={`balance-${b.currency}`}>
            <span className="muted small">{b.currency}</span>
            <strong>{b.balance}</strong>
          </li>
        ))}
      </ul>
      {data.canWrite ? (
        <FormDisclosure
          kind="section"
          label={t("dash.customer.walletEntry")}
          testId="wallet-entry"
          open={Boolean(errors)}
          formTestId="wallet-form"
          fields={{ idempotency_key: v?.idempotency_key || data.idempotencyKey || "" }}
          submit={{ label: t("dash.customer.walletSubmit"), testId: "wallet-submit" }}
        >
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
        </FormDisclosure>
      ) : null}
      <h3 className="section-title">{t("dash.customer.ledger")}</h3>
      {data.entries.length === 0 ? <p className="muted">{t("dash.customer.noEntries")}</p> : null}
      {data.entries.length > 0 ? (
        <StackTable
          label={t("dash.customer.ledger")}
          testId="ledger"
          rows={data.entries}
          rowData={(e) => ({ "data-testid": `entry-${e.id}` })}
          columns={[
            { key: "when", label: t("dash.customer.when"), cell: (e) => <Time {...e.createdAt} /> },
            { key: "type", label: t("dash.customer.entryType"), cell: (e) => t(`dash.customer.entry.${e.type}`) },
            { key: "amount", label: t("dash.customer.amount"), cell: (e) => e.amount },
            { key: "balance", label: t("dash.customer.balanceAfter"), cell: (e) => e.balanceAfter },
            { key: "reason", label: t("dash.customer.reason"), cell: (e) => e.reason ?? "" },
          ]}
        />
      ) : null}
      <Pager {...data.pager} />
    </CustomerTabPanel>
  );
}

export const ErrorBoundary = DashboardErrorView;
