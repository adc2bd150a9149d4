import { Form, NavLink, useLocation } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { CopyButton } from "~/components/copy-button";
import { ActionButton, ErrorSummary, ErrorText, Field, FormDisclosure, PageHeader, SubmitButton, Time, TitledSection, useHydrated, type FieldErrors } from "./ui";

export type CustomerView = {
  id: string;
  email: string | null;
  name: string | null;
  phoneNumber: string | null;
  externalId: string | null;
  taxId: string | null;
  locale: string | null;
  billingAddress: { line1: string; line2?: string | null; city: string; state?: string | null; postal_code?: string | null; country: string } | null;
  metadata: Record<string, string>;
  customerType?: string | null;
  legalName?: string | null;
  legalNumber?: string | null;
  timezone?: string | null;
  currency?: string | null;
  documentLocale?: string | null;
  shippingAddress?: { line1: string; line2?: string | null; city: string; state?: string | null; postal_code?: string | null; country: string } | null;
  dateOfBirth?: string | null;
  createdAt: { iso: string | null; text: string | null };
  updatedAt: { iso: string | null; text: string | null };
};

type Acted = { errors?: FieldErrors | null; values?: Record<string, string>; rows?: [string, string][]; form?: string } | undefined;

/**
 * A card's facts edited in place: the form opens again when its answer had errors, and posts back
 * the tab it is on (`back`), so the answer lands there.
 */
function CardEditForm(props: { intent: string; label: string; testId: string; formTestId: string; errors: FieldErrors | undefined; submit?: { label: string; testId: string }; children: ReactNode }) {
  const location = useLocation();
  const submit = props.submit && { ...props.submit, name: "intent", value: props.intent };
  return (
    <FormDisclosure kind="edit" label={props.label} testId={props.testId} open={Boolean(props.errors)} formTestId={props.formTestId} fields={{ intent: props.intent, back: location.pathname }} submit={submit}>
      {props.children}
    </FormDisclosure>
  );
}

export function CustomerHeader({ customer }: { customer: CustomerView }) {
  const { t } = useTranslation();
  return (
    <PageHeader title={customer.name ?? customer.email ?? customer.id} description={customer.name ? (customer.email ?? undefined) : undefined}>
      <span className="id-chip">
        <code data-testid="customer-id">{customer.id}</code>
        <CopyButton text={customer.id} label={t("dash.customer.copyId")} testId="copy-customer-id" />
      </span>
    </PageHeader>
  );
}

/** Invite, a one-time portal link, delete: each a plain form (delete asks for the email first). */
export function CustomerActions({ customer, can, acted }: { customer: CustomerView; can: { write: boolean; delete: boolean }; acted: Acted }) {
  const { t } = useTranslation();
  const location = useLocation();
  if (!can.write && !can.delete) return null;
  const deleteErrors = acted?.form === "delete" ? (acted.errors ?? undefined) : undefined;
  return (
    <section className="customer-actions" aria-label={t("dash.customer.actions")}>
      {can.write ? (
        <>
          <ActionButton
            action={`/dashboard/customers/${customer.id}/invite`}
            fields={{ redirect_to: location.pathname }}
            label={t("dash.customer.invite")}
            testId="invite-customer"
            pendingWhen={["redirect_to", location.pathname]}
          />
          <Form method="post" action={`/dashboard/customers/${customer.id}/view-as`} className="inline-form" reloadDocument>
            <button type="submit" className="button secondary small" data-testid="view-as-customer">
              {t("dash.customer.viewAs")}
            </button>
          </Form>
          <ActionButton fields={{ intent: "portal_link" }} label={t("dash.customer.portalLink")} testId="portal-link-create" pendingWhen={["intent", "portal_link"]} />
        </>
      ) : null}
      {can.delete ? (
        <FormDisclosure
          kind="danger"
          label={t("dash.customer.delete")}
          testId="delete-customer"
          open={Boolean(deleteErrors)}
          fields={{ intent: "delete" }}
          submit={{ label: t("dash.customer.deleteSubmit"), variant: "danger", testId: "delete-customer-confirm", name: "intent", value: "delete" }}
        >
          <p>{t("dash.customer.deleteBody")}</p>
          <ErrorSummary errors={deleteErrors} />
          <Field
            name="confirm_email"
            label={t("dash.customer.deleteConfirm", { email: customer.email ?? customer.id })}
            errors={deleteErrors}
            idPrefix="delete"
            autoComplete="off"
          />
        </FormDisclosure>
      ) : null}
    </section>
  );
}

export function AboutCard({ customer: c, canEdit, acted }: { customer: CustomerView; canEdit: boolean; acted: Acted }) {
  const { t } = useTranslation();
  const errors = acted?.errors ?? undefined;
  const v = acted?.values;
  const a = c.billingAddress;
  const value = (name: string, current: string | null | undefined) => (v ? v[name] : (current ?? ""));
  return (
    <TitledSection id="about" title={t("dash.customer.about")} className="card" testId="customer-about">
      <dl className="facts">
        <dt>{t("dash.customer.fields.name")}</dt>
        <dd data-testid="about-name">{c.name ?? "—"}</dd>
        <dt>{t("dash.customer.fields.email")}</dt>
        <dd data-testid="about-email">{c.email ?? "—"}</dd>
        <dt>{t("dash.customer.fields.id")}</dt>
        <dd>
          <code>{c.id}</code>
        </dd>
        <dt>{t("dash.customer.fields.externalId")}</dt>
        <dd data-testid="about-external-id">{c.externalId ?? "—"}</dd>
        <dt>{t("dash.customer.fields.phone")}</dt>
        <dd data-testid="about-phone">{c.phoneNumber ?? "—"}</dd>
        <dt>{t("dash.customer.fields.createdAt")}</dt>
        <dd>
          <Time {...c.createdAt} />
        </dd>
        <dt>{t("dash.customer.fields.address")}</dt>
        <dd data-testid="about-address">
          {a ? [a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(" "), a.state, a.country].filter(Boolean).join(", ") : "—"}
        </dd>
        <dt>{t("dash.customer.fields.taxId")}</dt>
        <dd data-testid="about-tax-id">{c.taxId ?? "—"}</dd>
        <dt>{t("dash.customer.fields.customerType")}</dt>
        <dd data-testid="about-customer-type">{c.customerType ? t(`dash.customer.types.${c.customerType}`) : "—"}</dd>
        <dt>{t("dash.customer.fields.legalName")}</dt>
        <dd>{c.legalName ?? "—"}</dd>
        <dt>{t("dash.customer.fields.legalNumber")}</dt>
        <dd>{c.legalNumber ?? "—"}</dd>
        <dt>{t("dash.customer.fields.currency")}</dt>
        <dd>{c.currency ?? "—"}</dd>
        <dt>{t("dash.customer.fields.timezone")}</dt>
        <dd>{c.timezone ?? "—"}</dd>
        <dt>{t("dash.customer.fields.documentLocale")}</dt>
        <dd>{c.documentLocale ?? c.locale ?? "—"}</dd>
        <dt>{t("dash.customer.fields.dateOfBirth")}</dt>
        <dd>{c.dateOfBirth ?? "—"}</dd>
        <dt>{t("dash.customer.fields.shippingAddress")}</dt>
        <dd>
          {c.shippingAddress ? [c.shippingAddress.line1, c.shippingAddress.line2, [c.shippingAddress.postal_code, c.shippingAddress.city].filter(Boolean).join(" "), c.shippingAddress.state, c.shippingAddress.country].filter(Boolean).join(", ") : "—"}
        </dd>
      </dl>
      {canEdit ? (
        <CardEditForm intent="update" label={t("dash.customer.edit")} testId="edit-customer" formTestId="edit-form" errors={errors} submit={{ label: t("dash.ui.save"), testId: "save-customer" }}>
          <ErrorSummary errors={errors} />
          <CustomerFields errors={errors} value={(n, cur) => value(n, cur)} current={c} />
        </CardEditForm>
      ) : null}
    </TitledSection>
  );
}

/** The customer's fields as form inputs, named as the API names them (address parts flattened). */
export function CustomerFields({
  errors,
  value,
  current,
  idPrefix = "cus",
  autoFocus,
}: {
  errors?: FieldErrors;
  value: (name: string, current: string | null | undefined) => string;
  current?: CustomerView;
  idPrefix?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const a = current?.billingAddress;
  const f = (name: string, label: string, cur: string | null | undefined, extra: Partial<Parameters<typeof Field>[0]> = {}) => (
    <Field key={name} name={name} label={label} errors={errors} defaultValue={value(name, cur)} idPrefix={idPrefix} {...extra} />
  );
  return (
    <>
      {f("email", t("dash.customer.fields.email"), current?.email, { type: "email", autoComplete: "off", inputMode: "email", autoFocus })}
      {f("name", t("dash.customer.fields.name"), current?.name, { autoComplete: "off", maxLength: 200 })}
      {f("phone_number", t("dash.customer.fields.phone"), current?.phoneNumber, { hint: t("dash.customer.phoneHint"), autoComplete: "off" })}
      {f("external_id", t("dash.customer.fields.externalId"), current?.externalId, { autoComplete: "off" })}
      {f("tax_id", t("dash.customer.fields.taxId"), current?.taxId, { autoComplete: "off" })}
      <fieldset>
        <legend>{t("dash.customer.fields.address")}</legend>
        {f("line1", t("dash.customer.address.line1"), a?.line1)}
        {f("line2", t("dash.customer.address.line2"), a?.line2)}
        {f("city", t("dash.customer.address.city"), a?.city)}
        {f("state", t("dash.customer.address.state"), a?.state)}
        {f("postal_code", t("dash.customer.address.postalCode"), a?.postal_code)}
        {f("country", t("dash.customer.address.country"), a?.country, { hint: t("dash.customer.address.countryHint"), maxLength: 2 })}
      </fieldset>
      <details className="more-fields" open={PROFILE_NAMES.some((n) => errors?.[n]) || undefined}>
        <summary>{t("dash.customer.moreFields")}</summary>
        <div className="stack">
          <div className="field">
            <label htmlFor={`${idPrefix}-customer_type`}>{t("dash.customer.fields.customerType")}</label>
            <select id={`${idPrefix}-customer_type`} name="customer_type" defaultValue={value("customer_type", current?.customerType)} data-testid="field-customer_type">
              <option value="">—</option>
              <option value="company">{t("dash.customer.types.company")}</option>
              <option value="individual">{t("dash.customer.types.individual")}</option>
            </select>
          </div>
          {f("legal_name", t("dash.customer.fields.legalName"), current?.legalName)}
          {f("legal_number", t("dash.customer.fields.legalNumber"), current?.legalNumber)}
          {f("currency", t("dash.customer.fields.currency"), current?.currency, { hint: t("dash.customer.currencyHint"), maxLength: 3 })}
          {f("timezone", t("dash.customer.fields.timezone"), current?.timezone, { hint: t("dash.customer.timezoneHint") })}
          <div className="field">
            <label htmlFor={`${idPrefix}-document_locale`}>{t("dash.customer.fields.documentLocale")}</label>
            <select id={`${idPrefix}-document_locale`} name="document_locale" defaultValue={value("document_locale", current?.documentLocale)} data-testid="field-document_locale">
              <option value="">—</option>
              <option value="en">English</option>
              <option value="ko">한국어</option>
            </select>
          </div>
          {f("date_of_birth", t("dash.customer.fields.dateOfBirth"), current?.dateOfBirth, { type: "date" })}
        </div>
      </details>
    </>
  );
}

const PROFILE_NAMES = ["customer_type", "legal_name", "legal_number", "currency", "timezone", "document_locale", "date_of_birth"];

export function MetadataCard({ metadata, canEdit, acted }: { metadata: Record<string, string>; canEdit: boolean; acted: Acted }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const entries = Object.entries(metadata);
  const startRows: [string, string][] = acted?.rows ?? entries;
  const [extra, setExtra] = useState(2);
  const errors = acted?.errors ?? undefined;
  return (
    <TitledSection id="metadata" title={t("dash.customer.metadata")} empty={entries.length === 0 ? t("dash.customer.noMetadata") : null} className="card" testId="customer-metadata">
      <dl className="facts compact" data-testid="metadata-list">
        {entries.map(([k, val]) => (
          <div key={k} className="contents">
            <dt>
              <code>{k}</code>
            </dt>
            <dd>{val}</dd>
          </div>
        ))}
      </dl>
      {canEdit ? (
        <CardEditForm intent="metadata" label={t("dash.customer.editMetadata")} testId="edit-metadata" formTestId="metadata-form" errors={errors}>
          <ErrorText id="metadata-error" error={errors?.metadata ?? errors?.form} testId="error-metadata" />
          <p className="hint">{t("dash.customer.metadataHint")}</p>
          <table className="meta-table">
            <thead>
              <tr>
                <th scope="col">{t("dash.customer.metaKey")}</th>
                <th scope="col">{t("dash.customer.metaValue")}</th>
              </tr>
            </thead>
            <tbody>
              {[...startRows, ...Array.from({ length: extra }, () => ["", ""] as [string, string])].map(([k, val], i) => (
                <tr key={`${i}-${k}`}>
                  <td>
                    <input name="meta_key" defaultValue={k} aria-label={t("dash.customer.metaKeyRow", { n: i + 1 })} maxLength={40} data-testid={`meta-key-${i}`} />
                  </td>
                  <td>
                    <input name="meta_value" defaultValue={val} aria-label={t("dash.customer.metaValueRow", { n: i + 1 })} maxLength={500} data-testid={`meta-value-${i}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row-actions">
            {hydrated ? (
              <button type="button" className="button secondary small" onClick={() => setExtra((n) => n + 1)} data-testid="meta-add-row">
                {t("dash.customer.metaAdd")}
              </button>
            ) : null}
            <SubmitButton testId="save-metadata" name="intent" value="metadata">
              {t("dash.customer.saveMetadata")}
            </SubmitButton>
          </div>
        </CardEditForm>
      ) : null}
    </TitledSection>
  );
}

export type OverviewData = {
  currencies: { currency: string; gross: string; refunded: string; net: string; overdue: string | null; failedPayments: number; lastPaymentAt: { iso: string | null; text: string | null } }[];
  activeSubscriptions: number;
  pastDueSubscriptions: number;
} | null;

export function BillingOverview({ overview }: { overview: OverviewData }) {
  const { t } = useTranslation();
  if (!overview) return null;
  return (
    <TitledSection id="billing" title={t("dash.customer.billing")} className="card" testId="billing-overview">
      <p className="muted small">
        {t("dash.customer.subscriptionCounts", { active: overview.activeSubscriptions, pastDue: overview.pastDueSubscriptions })}
      </p>
      {overview.currencies.length === 0 ? <p className="muted">{t("dash.customer.noPayments")}</p> : null}
      {overview.currencies.map((c) => (
        <dl key={c.currency} className="facts compact" data-testid={`billing-${c.currency}`}>
          <dt>{t("dash.customer.gross", { currency: c.currency })}</dt>
          <dd>{c.gross}</dd>
          <dt>{t("dash.customer.refunded")}</dt>
          <dd>{c.refunded}</dd>
          <dt>{t("dash.customer.net")}</dt>
          <dd data-testid={`billing-net-${c.currency}`}>{c.net}</dd>
          <dt>{t("dash.customer.overdue")}</dt>
          <dd data-testid={`billing-overdue-${c.currency}`}>{c.overdue ?? "—"}</dd>
          <dt>{t("dash.customer.lastPayment")}</dt>
          <dd>
            <Time {...c.lastPaymentAt} />
          </dd>
        </dl>
      ))}
    </TitledSection>
  );
}

export const CUSTOMER_TABS = ["payments", "subscriptions", "license-keys", "wallet", "usage", "activity"] as const;

export function CustomerTabs({ id }: { id: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const base = `/dashboard/customers/${id}`;
  return (
    <nav className="customer-tabs" aria-label={t("dash.customer.tabsLabel")} data-testid="customer-tabs">
      <ul>
        {CUSTOMER_TABS.map((tab) => {
          const to = `${base}/${tab}`;
          // The customer's own URL shows the payments tab.
          const current = location.pathname === to || (tab === "payments" && location.pathname === base);
          return (
            <li key={tab}>
              <NavLink to={to} prefetch="intent" aria-current={current ? "page" : undefined} className={current ? "active" : undefined} data-testid={`tab-${tab}`}>
                {t(`dash.customer.tabs.${tab}`)}
              </NavLink>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export type CustomerTab = (typeof CUSTOMER_TABS)[number];

/** A tab's panel under the customer: headed by the tab's name, with what it says when it is empty. */
export function CustomerTabPanel({ tab, empty, children }: { tab: CustomerTab; empty?: string | null; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <TitledSection id={tab} title={t(`dash.customer.tabs.${tab}`)} empty={empty} testId={`tab-panel-${tab}`}>
      {children}
    </TitledSection>
  );
}
