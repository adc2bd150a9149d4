import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { FilterActions, PageHeader, Pager, StackTable, Time } from "~/components/dashboard/ui";
import { auditPage } from "~/dashboard/audit-view.server";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "audit:read");
  const params = new URL(request.url).searchParams;
  const query = { actor: params.get("actor") ?? "", action: params.get("action") ?? "", from: params.get("from") ?? "", to: params.get("to") ?? "", after: params.get("after") ?? "" };
  return json({ query, ...auditPage({ merchantId: s.merchant.id, locale: s.locale, query }) }, { headers: NO_STORE });
}

function Change({ before, after }: { before: Record<string, unknown> | null; after: Record<string, unknown> | null }) {
  const { t } = useTranslation();
  if (!before && !after) return null;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const show = (v: unknown) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  return (
    <dl className="change">
      {keys.map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            {before ? <span className="before" aria-label={t("dash.audit.before")}>{show(before[k])}</span> : null}
            {before && after ? <span aria-hidden="true"> → </span> : null}
            {after ? <span className="after" aria-label={t("dash.audit.after")}>{show(after[k])}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export default function AuditPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const q = data.query;
  const nextLink = data.next ? `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([k, v]) => v && k !== "after")), after: data.next }).toString()}` : null;
  return (
    <div data-testid="page-audit">
      <PageHeader title={t("dash.audit.title")} description={t("dash.audit.intro")} />
      <Form method="get" className="filters" data-testid="audit-filters">
        <div className="field">
          <label htmlFor="audit-actor">{t("dash.audit.actor")}</label>
          <select id="audit-actor" name="actor" defaultValue={q.actor} data-testid="filter-actor">
            <option value="">{t("dash.audit.anyone")}</option>
            <optgroup label={t("dash.audit.teamGroup")}>
              {data.staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </optgroup>
            <option value="api_key">{t("dash.audit.actors.api_key")}</option>
            <option value="customer">{t("dash.audit.actors.customer")}</option>
            <option value="system">{t("dash.audit.actors.system")}</option>
            <option value="operator">{t("dash.audit.actors.operator")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("dash.audit.action")}</label>
          <select id="audit-action" name="action" defaultValue={q.action} data-testid="filter-action">
            <option value="">{t("dash.audit.anyAction")}</option>
            {data.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t("dash.audit.from")}</label>
          <input id="audit-from" name="from" type="date" defaultValue={q.from} aria-invalid={data.invalid.from || undefined} data-testid="filter-from" />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t("dash.audit.to")}</label>
          <input id="audit-to" name="to" type="date" defaultValue={q.to} aria-invalid={data.invalid.to || undefined} data-testid="filter-to" />
        </div>
        <FilterActions label={t("dash.audit.apply")} clearTo="/dashboard/audit" variant="secondary" />
      </Form>
      {data.invalid.from || data.invalid.to ? (
        <p className="alert" role="alert">
          {t("dash.audit.invalidDate")}
        </p>
      ) : null}
      {data.entries.length === 0 ? <p className="muted">{t("dash.audit.none")}</p> : null}
      {data.entries.length > 0 ? (
        <StackTable
          label={t("dash.audit.title")}
          testId="audit-log"
          className="audit"
          rows={data.entries}
          rowData={(e) => ({ "data-testid": `audit-${e.id}`, "data-action": e.action, "data-actor-type": e.actorType })}
          columns={[
            { key: "time", label: t("dash.audit.time"), cell: (e) => <Time {...e.at} /> },
            {
              key: "actor",
              label: t("dash.audit.actor"),
              cell: (e) => (
                <div>
                  <span className="badge neutral">{t(`dash.audit.actors.${e.actorType}`)}</span>
                  {e.actorLabel ? <span className="block small">{e.actorLabel}</span> : null}
                </div>
              ),
            },
            { key: "action", label: t("dash.audit.action"), cell: (e) => <code>{e.action}</code> },
            {
              key: "object",
              label: t("dash.audit.object"),
              className: "small",
              cell: (e) => (
                <div>
                  {e.objectType ? <span className="block">{e.objectType}</span> : null}
                  {e.objectId ? <span className="muted">{e.objectId}</span> : null}
                </div>
              ),
            },
            { key: "change", label: t("dash.audit.change"), className: "small", cell: (e) => <Change before={e.before} after={e.after} /> },
            { key: "ip", label: t("dash.audit.ip"), className: "small", cell: (e) => e.ip ?? "" },
          ]}
        />
      ) : null}
      <Pager newest={q.after ? `?${new URLSearchParams(Object.entries(q).filter(([k, v]) => v && k !== "after")).toString()}` : null} older={nextLink} />
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
