import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CustomerTabPanel } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { Time } from "~/components/dashboard/ui";
import { requireCustomerTab } from "~/dashboard/customers.server";
import { when } from "~/dashboard/format.server";
import { NO_STORE } from "~/dashboard/guards.server";
import { customerActivity } from "~/models/customer-activity.server";
import { getStaffNames } from "~/models/staff-users.server";

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export async function loader(args: LoaderFunctionArgs) {
  const { s, scope } = await requireCustomerTab(args);
  const entries = customerActivity({ ...scope, limit: 100 });
  const staffIds = [...new Set(entries.flatMap((e) => (e.kind === "audit" && e.actorType === "staff" && e.actorId ? [e.actorId] : [])))];
  const names = getStaffNames(staffIds);
  return json(
    {
      entries: entries.map((e, i) => ({
        key: `${e.kind}-${e.objectId ?? ""}-${i}`,
        kind: e.kind,
        at: when(e.at, s.locale),
        action: e.kind === "audit" || e.kind === "webhook" ? e.action : e.kind === "link" ? `${e.linkKind}:${e.purpose}` : "",
        actor: e.kind === "audit" ? (e.actorType === "staff" && e.actorId ? (names.get(e.actorId) ?? e.actorId) : e.actorType) : e.kind === "sign_in" ? "customer" : "system",
        actorType: e.kind === "audit" ? e.actorType : e.kind === "sign_in" ? "customer" : "system",
        objectId: e.objectId,
      })),
    },
    { headers: NO_STORE },
  );
}

export default function CustomerActivity() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <CustomerTabPanel tab="activity" empty={data.entries.length === 0 ? t("dash.customer.noActivity") : null}>
      <ol className="timeline" data-testid="activity-list">
        {data.entries.map((e) => (
          <li key={e.key} data-testid="activity-entry" data-kind={e.kind} data-action={e.action}>
            <span className={`badge ${e.kind === "webhook" ? "info" : e.kind === "audit" ? "neutral" : "good"}`}>{t(`dash.customer.activityKind.${e.kind}`)}</span>{" "}
            <strong>{e.kind === "link" ? t(`dash.customer.linkKind.${e.action.split(":")[0]}`) : e.kind === "sign_in" ? t("dash.customer.signedIn") : e.action}</strong>
            <p className="muted small">
              <Time {...e.at} /> · {e.kind === "audit" && e.actorType === "staff" ? e.actor : t(`dash.audit.actors.${e.actorType}`, { defaultValue: e.actorType })}
              {e.objectId ? (
                <>
                  {" · "}
                  <code>{e.objectId}</code>
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ol>
    </CustomerTabPanel>
  );
}

export const ErrorBoundary = DashboardErrorView;
