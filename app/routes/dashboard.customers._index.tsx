import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { customerOptionalColumns } from "#db/schema/index";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { NewCustomerDialog } from "~/components/dashboard/new-customer";
import { ActionButton, ErrorText, FilterActions, FormDisclosure, Notice, PageHeader, StackTable, useHydrated, type FieldErrors, type StackColumn } from "~/components/dashboard/ui";
import { PAGE_SIZES, SORTS, stateQuery, SUBSCRIPTION_FILTERS } from "~/dashboard/customer-table";
import { parseTableQuery, tableCells, visibleColumns, type TableColumn } from "~/dashboard/customer-table.server";
import { failureErrors, runAction } from "~/dashboard/customers.server";
import { formString } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { noticeOf } from "~/dashboard/notices.server";
import { listCustomers, type CustomerPage } from "~/models/customer-list.server";
import { createSavedView, deleteSavedView, getCustomerColumns, listSavedViews, setCustomerColumns } from "~/models/dashboard-views.server";
import { DomainError } from "~/models/errors.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const url = new URL(request.url);
  const parsed = parseTableQuery(url);
  const errors: FieldErrors = { ...parsed.errors };
  const optional = getCustomerColumns({ staffUserId: s.staff.id, merchantId: s.merchant.id });
  const columns = visibleColumns(optional);
  let page: CustomerPage = { rows: [], hasMore: false, nextCursor: null };
  if (!parsed.errors) {
    try {
      page = listCustomers({ merchantId: s.merchant.id, query: { ...parsed.query, limit: parsed.limit, after: parsed.after ? { cursor: parsed.after } : undefined } });
    } catch (error) {
      // A cursor of another sort (or made up) is a message, not a crash: the first page is a click away.
      if (!(error instanceof DomainError) || error.field !== "cursor") throw error;
      errors.after = { key: "dash.customers.cursorInvalid" };
    }
  }
  const query = stateQuery(parsed.state);
  return json(
    {
      state: parsed.state,
      query,
      errors: Object.keys(errors).length > 0 ? errors : null,
      columns,
      optional,
      rows: tableCells(page.rows, columns, s.merchant.id, s.locale),
      next: page.nextCursor ? `?${stateQuery(parsed.state, { after: page.nextCursor })}` : null,
      first: parsed.after ? `?${query}` : null,
      views: listSavedViews({ staffUserId: s.staff.id, merchantId: s.merchant.id }).map((v) => ({ id: v.id, name: v.name, query: v.query, shared: v.shared, mine: v.staffUserId === s.staff.id })),
      can: { write: s.can("customers:write"), export: s.can("customers:export"), manageShared: s.can("team:write") },
      notice: noticeOf(request),
    },
    { status: Object.keys(errors).length > 0 ? 400 : 200, headers: NO_STORE },
  );
}

/** Back to the table with the query the form came from (only a customers-table query). */
const backTo = (form: FormData, notice: string) => {
  const query = new URLSearchParams(formString(form, "query"));
  query.delete("notice");
  query.set("notice", notice);
  return redirect(`/dashboard/customers?${query.toString()}`, { status: 303, headers: NO_STORE });
};

export async function action({ request, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "customers:read", context.clientIp);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const who = { staffUserId: s.staff.id, merchantId: s.merchant.id };
  if (intent === "columns") {
    // One's own table: any member may choose columns.
    setCustomerColumns({ ...who, columns: form.getAll("columns").map(String) });
    return backTo(form, "columns_saved");
  }
  if (intent === "save_view") {
    const query = stateQuery(parseTableQuery(new URL(`http://x/?${formString(form, "query")}`)).state);
    const done = runAction(() => createSavedView({ ...who, name: formString(form, "view_name"), query, shared: formString(form, "shared") === "on", actor: s.actor }));
    if (!done.ok) return json({ viewErrors: done.errors }, { status: 400, headers: NO_STORE });
    return redirect(`/dashboard/customers?${query ? `${query}&` : ""}notice=view_saved`, { status: 303, headers: NO_STORE });
  }
  if (intent === "delete_view") {
    try {
      runAction(() => deleteSavedView({ ...who, id: formString(form, "view_id"), canManageShared: s.can("team:write"), actor: s.actor }));
    } catch (error) {
      failureErrors(error);
    }
    return backTo(form, "view_deleted");
  }
  throw dashboardError(404, "not_found");
}

const COLUMN_LABEL: Record<TableColumn, string> = {
  name: "dash.customer.fields.name",
  id: "dash.customer.fields.id",
  email: "dash.customer.fields.email",
  phone: "dash.customer.fields.phone",
  created_at: "dash.customer.fields.createdAt",
  external_id: "dash.customer.fields.externalId",
  country: "dash.customer.address.country",
  active_subscriptions: "dash.customers.columns.active_subscriptions",
  wallet_balances: "dash.customers.columns.wallet_balances",
  lifetime_revenue: "dash.customers.columns.lifetime_revenue",
};

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

/** A form above the table (columns, save the view): it posts the table's query, so the answer comes back to the same view. */
function TableTool(props: { intent: string; label: string; testId: string; submit: { label: string; testId: string }; children: ReactNode }) {
  const { query } = useLoaderData<typeof loader>();
  return (
    <FormDisclosure kind="tool" label={props.label} testId={props.testId} fields={{ intent: props.intent, query }} submit={{ ...props.submit, small: true }}>
      {props.children}
    </FormDisclosure>
  );
}

export default function CustomersPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const location = useLocation();
  const search = useRef<HTMLInputElement>(null);
  const errors = (data.errors ?? undefined) as FieldErrors | undefined;
  const current = `${location.pathname}${location.search}`;
  // `/` focuses the search box (outside text fields), as GitHub and Stripe do.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key === "/" && !e.metaKey && !e.ctrlKey && !(el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName)))) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const sortLink = (key: "name" | "email" | "created_at") => {
    const next = data.state.sort === key ? `-${key}` : key;
    return `?${stateQuery(data.state, { sort: next === "-created_at" ? null : next })}`;
  };
  const sortState = (key: string) => (data.state.sort === key ? "ascending" : data.state.sort === `-${key}` ? "descending" : undefined);
  return (
    <div data-testid="page-customers">
      <PageHeader title={t("dash.customers.title")} description={t("dash.customers.intro")}>
        {data.can.write ? hydrated ? <NewCustomerDialog /> : (
          <Link to="/dashboard/customers/new" className="button" data-testid="new-customer">
            {t("dash.customers.new")}
          </Link>
        ) : null}
        {data.can.export ? (
          <a href={`/dashboard/customers/export.csv${data.query ? `?${data.query}` : ""}`} className="button secondary" data-testid="export-csv" download>
            {t("dash.customers.export")}
          </a>
        ) : null}
      </PageHeader>
      <Notice notice={data.notice} />

      {data.views.length > 0 ? (
        <nav aria-label={t("dash.customers.views")} className="views" data-testid="saved-views">
          <span className="muted small">{t("dash.customers.views")}:</span>
          <ul>
            {data.views.map((v) => (
              <li key={v.id}>
                <Link to={`/dashboard/customers${v.query ? `?${v.query}` : ""}`} data-testid={`view-${v.id}`} aria-current={v.query === data.query ? "true" : undefined}>
                  {v.name}
                </Link>
                {v.shared ? <span className="badge info">{t("dash.customers.shared")}</span> : null}
                {v.mine || data.can.manageShared ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="delete_view" />
                    <input type="hidden" name="view_id" value={v.id} />
                    <input type="hidden" name="query" value={data.query} />
                    <button type="submit" className="link-button" aria-label={t("dash.customers.deleteView", { name: v.name })} data-testid={`delete-view-${v.id}`}>
                      ×
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        </nav>
      ) : null}

      {/* Remounted when the URL's state changes (a header sort link, a saved view), so its fields show that state. */}
      <Form key={data.query} method="get" className="filters table-filters" role="search" data-testid="customer-filters">
        <div className="field search-field">
          <label htmlFor="q">{t("dash.customers.search")}</label>
          <input ref={search} id="q" name="q" type="search" defaultValue={data.state.q} placeholder={t("dash.customers.searchPlaceholder")} aria-keyshortcuts="/" data-testid="search" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="subscription">{t("dash.customers.subscription")}</label>
          <select id="subscription" name="subscription" defaultValue={data.state.subscription} data-testid="filter-subscription">
            <option value="">{t("dash.customers.any")}</option>
            {SUBSCRIPTION_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`dash.customers.subscriptionFilter.${f}`)}
              </option>
            ))}
          </select>
          <ErrorText id="subscription-error" error={errors?.subscription} />
        </div>
        <div className="field">
          <label htmlFor="country">{t("dash.customer.address.country")}</label>
          <input id="country" name="country" defaultValue={data.state.country} maxLength={2} aria-invalid={errors?.country ? true : undefined} data-testid="filter-country" />
          <ErrorText id="country-error" error={errors?.country} testId="error-country" />
        </div>
        <div className="field">
          <label htmlFor="created_gte">{t("dash.customers.createdFrom")}</label>
          <input id="created_gte" name="created_gte" type="date" defaultValue={data.state.created_gte} aria-invalid={errors?.created_gte ? true : undefined} data-testid="filter-created-gte" />
          <ErrorText id="created-gte-error" error={errors?.created_gte} testId="error-created_gte" />
        </div>
        <div className="field">
          <label htmlFor="created_lte">{t("dash.customers.createdTo")}</label>
          <input id="created_lte" name="created_lte" type="date" defaultValue={data.state.created_lte} aria-invalid={errors?.created_lte ? true : undefined} data-testid="filter-created-lte" />
          <ErrorText id="created-lte-error" error={errors?.created_lte} testId="error-created_lte" />
        </div>
        {data.state.metadata.map(([k, v]) => (
          <input key={k} type="hidden" name={`metadata[${k}]`} value={v} />
        ))}
        {/* The column headers sort too, but a phone's stacked table hides them: the select is there at every width. */}
        <div className="field">
          <label htmlFor="sort">{t("dash.customers.sortBy")}</label>
          <select id="sort" name="sort" defaultValue={data.state.sort} data-testid="filter-sort">
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`dash.customers.sorts.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <input type="hidden" name="limit" value={data.state.limit} />
        <FilterActions label={t("dash.customers.apply")} clearTo="/dashboard/customers" />
      </Form>
      {data.state.metadata.length > 0 ? (
        <p className="small" data-testid="metadata-filters">
          {t("dash.customers.metadataFilter")}{" "}
          {data.state.metadata.map(([k, v]) => (
            <code key={k}>
              {k}={v}
            </code>
          ))}
        </p>
      ) : null}
      {errors?.after || errors?.sort || errors?.limit ? (
        <p className="alert" role="alert" data-testid="table-error">
          {t((errors.after ?? errors.sort ?? errors.limit)!.key)} <Link to="/dashboard/customers">{t("dash.customers.firstPage")}</Link>
        </p>
      ) : null}

      <div className="table-tools">
        <TableTool intent="columns" label={t("dash.customers.columnsButton")} testId="column-chooser" submit={{ label: t("dash.customers.saveColumns"), testId: "save-columns" }}>
          <fieldset>
            <legend>{t("dash.customers.optionalColumns")}</legend>
            {customerOptionalColumns.map((c) => (
              <label key={c} className="check">
                <input type="checkbox" name="columns" value={c} defaultChecked={data.optional.includes(c)} data-testid={`column-${c}`} />
                <span>{t(COLUMN_LABEL[c])}</span>
              </label>
            ))}
          </fieldset>
        </TableTool>
        <TableTool intent="save_view" label={t("dash.customers.saveView")} testId="save-view" submit={{ label: t("dash.customers.saveViewSubmit"), testId: "save-view-submit" }}>
          <div className="field">
            <label htmlFor="view-name">{t("dash.customers.viewName")}</label>
            <input id="view-name" name="view_name" maxLength={100} required data-testid="view-name" />
          </div>
          <label className="check">
            <input type="checkbox" name="shared" data-testid="view-shared" />
            <span>{t("dash.customers.shareView")}</span>
          </label>
        </TableTool>
        <nav className="page-sizes" aria-label={t("dash.customers.pageSize")}>
          <span className="muted small">{t("dash.customers.pageSize")}:</span>
          {PAGE_SIZES.map((n) => (
            <Link key={n} to={`?${stateQuery(data.state, { limit: n === 25 ? null : String(n) })}`} aria-current={data.state.limit === n ? "true" : undefined} data-testid={`limit-${n}`}>
              {n}
            </Link>
          ))}
        </nav>
      </div>

      {data.rows.length === 0 && !data.errors ? <p className="muted" data-testid="no-customers">{t("dash.customers.none")}</p> : null}
      <StackTable
        label={t("dash.customers.title")}
        testId="customers-table"
        className="customers-table"
        rows={data.rows}
        rowData={(r) => ({ "data-testid": "customer-row", "data-customer-id": r.id })}
        columns={[
          ...data.columns.map((c): StackColumn<Row> => {
            const sortable = c === "name" || c === "email" || c === "created_at";
            return {
              key: c,
              label: t(COLUMN_LABEL[c]),
              ariaSort: sortable ? sortState(c) : undefined,
              header: sortable ? (
                <Link to={sortLink(c)} data-testid={`sort-${c}`}>
                  {t(COLUMN_LABEL[c])}
                  {sortState(c) === "ascending" ? " ↑" : sortState(c) === "descending" ? " ↓" : ""}
                </Link>
              ) : undefined,
              cellData: { "data-col": c },
              cell: (r) =>
                c === "name" ? (
                  <Link to={`/dashboard/customers/${r.id}`}>{r.cells.name || r.cells.email || r.id}</Link>
                ) : c === "id" ? (
                  <code>{r.cells.id}</code>
                ) : (
                  r.cells[c as keyof typeof r.cells]
                ),
            };
          }),
          data.can.write && {
            key: "actions",
            label: t("dash.customers.actions"),
            cell: (r) =>
              r.email ? (
                <ActionButton
                  action={`/dashboard/customers/${r.id}/invite`}
                  fields={{ redirect_to: current }}
                  label={t("dash.customer.invite")}
                  testId={`invite-${r.id}`}
                  pendingWhen={["redirect_to", current]}
                />
              ) : null,
          },
        ]}
      />
      <nav className="pager" aria-label={t("dash.ui.pagination")}>
        {data.first ? <Link to={data.first}>{t("dash.customers.firstPage")}</Link> : <span />}
        {data.next ? (
          <Link to={data.next} rel="next" data-testid="next-page">
            {t("dash.customers.nextPage")} →
          </Link>
        ) : null}
      </nav>
      <p className="muted small">{t("dash.customers.sortHint", { sort: t(`dash.customers.sorts.${SORTS.includes(data.state.sort as (typeof SORTS)[number]) ? data.state.sort : "-created_at"}`) })}</p>
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
