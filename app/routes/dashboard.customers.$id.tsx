import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Outlet, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { UpdateCustomerSchema } from "~/schemas/customers";
import { AboutCard, BillingOverview, CustomerActions, CustomerHeader, CustomerTabs, MetadataCard } from "~/components/dashboard/customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { Notice, SecretOnce } from "~/components/dashboard/ui";
import { customerAbout, customerBodyFromForm, formFailure, metadataPatchFromForm, requireStaffCustomer, runAction } from "~/dashboard/customers.server";
import { customerBillingOverview } from "~/dashboard/customer-overview.server";
import { formString, zodFieldErrors } from "~/dashboard/forms.server";
import { dashboardError, NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { noticeOf, redirectWithNotice } from "~/dashboard/notices.server";
import { requireRecentAuth } from "~/dashboard/sudo.server";
import { deleteCustomer } from "~/models/customer-deletion.server";
import { updateCustomer } from "~/models/customers.server";
import { createPortalSession, preparePortalSession } from "~/models/portal-sessions.server";
import type { Permission } from "~/dashboard/permissions";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.customer.name ?? data.customer.email ?? data.customer.id} · Portico` : "Portico" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const s = await requireStaff(request, context, "customers:read");
  const customer = requireStaffCustomer(s, params.id);
  return json(
    {
      customer: customerAbout(customer, s.locale),
      overview: customerBillingOverview(s, customer),
      can: {
        write: s.can("customers:write"),
        delete: s.can("customers:delete"),
      },
      notice: noticeOf(request),
    },
    { headers: NO_STORE },
  );
}

// The layout's own actions (the tabs have theirs): edit, metadata, a portal link, delete.
const INTENTS: Record<string, Permission> = {
  update: "customers:write",
  metadata: "customers:write",
  portal_link: "customers:write",
  delete: "customers:delete",
};

/** Back to the tab the form was on (only a page of this customer). */
function backTo(form: FormData, id: string) {
  const base = `/dashboard/customers/${id}`;
  const back = formString(form, "back");
  return back === base || /^\/dashboard\/customers\/[^/?#]+\/(payments|subscriptions|license-keys|wallet|usage|activity)$/.test(back) && back.startsWith(`${base}/`) ? back : base;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "customers:read", context.clientIp);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const permission = INTENTS[intent];
  if (!permission) throw dashboardError(404, "not_found");
  if (!s.can(permission)) throw dashboardError(403, "forbidden");
  const customer = requireStaffCustomer(s, params.id);
  const scope = { merchantId: s.merchant.id, id: customer.id, actor: s.actor };

  if (intent === "update") {
    const body = customerBodyFromForm(form, customer);
    const parsed = UpdateCustomerSchema.safeParse(body);
    const values = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<string, string>;
    if (!parsed.success) return formFailure(zodFieldErrors(parsed.error), { form: "about", values });
    const patch = parsed.data;
    if (patch.phone_number !== undefined && patch.phone_number === customer.phoneNumber) delete patch.phone_number;
    if (Object.keys(patch).length === 0) return redirectWithNotice(backTo(form, customer.id), "unchanged");
    const done = runAction(() => updateCustomer({ ...scope, patch }));
    if (!done.ok) return formFailure(done.errors, { form: "about", values });
    return redirectWithNotice(backTo(form, customer.id), "customer_saved");
  }

  if (intent === "metadata") {
    const { patch, rows } = metadataPatchFromForm(form, customer.metadata);
    if (Object.keys(patch).length === 0) return redirectWithNotice(backTo(form, customer.id), "unchanged");
    const parsed = UpdateCustomerSchema.safeParse({ metadata: patch });
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const tooLong = first?.code === "too_big";
      return formFailure({ metadata: { key: tooLong ? "dash.customer.metadataTooLong" : "dash.fieldRules.metadata" } }, { form: "metadata", rows });
    }
    const done = runAction(() => updateCustomer({ ...scope, patch: { metadata: parsed.data.metadata } }));
    if (!done.ok) return formFailure(done.errors, { form: "metadata", rows });
    return redirectWithNotice(backTo(form, customer.id), "metadata_saved");
  }

  if (intent === "portal_link") {
    // The API's redirect-kind link (1 hour, single use), minted by the same functions: the
    // portal_session.created webhook names the staff member. The URL is in this answer only.
    const prepared = await preparePortalSession({ merchant: s.merchant, customerId: customer.id, input: {} });
    const done = runAction(() => createPortalSession({ merchant: s.merchant, prepared, actor: s.actor }));
    if (!done.ok) return formFailure(done.errors, { form: "portal_link" });
    return json({ portalLink: { url: done.value.url, expiresAt: done.value.expires_at }, errors: null }, { status: 201, headers: NO_STORE });
  }

  // delete: type the email (the id for a customer without one) to confirm, then a recent
  // password (or code), then the API's delete.
  if (formString(form, "confirm_email").trim().toLowerCase() !== (customer.email ?? customer.id).toLowerCase()) {
    return formFailure({ confirm_email: { key: "dash.customer.deleteMismatch" } }, { form: "delete" });
  }
  await requireRecentAuth(s, form);
  const done = runAction(() => deleteCustomer(scope));
  if (!done.ok) return formFailure(done.errors, { form: "delete" });
  return redirect("/dashboard/customers?notice=customer_deleted", { status: 303, headers: NO_STORE });
}

export type CustomerActionData = {
  errors?: Record<string, { key: string; values?: Record<string, string | number> } | undefined> | null;
  form?: string;
  values?: Record<string, string>;
  rows?: [string, string][];
  portalLink?: { url: string; expiresAt: string };
};

export default function CustomerLayout() {
  const data = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>() as CustomerActionData | undefined;
  const { t } = useTranslation();
  const c = data.customer;
  return (
    <div data-testid="page-customer" data-customer-id={c.id}>
      <CustomerHeader customer={c} />
      <Notice notice={data.notice} />
      {acted?.portalLink ? (
        <SecretOnce testId="portal-link" title={t("dash.customer.portalLinkTitle")} body={t("dash.customer.portalLinkBody")} secret={acted.portalLink.url} />
      ) : null}
      <CustomerActions customer={c} can={data.can} acted={acted} />
      <div className="customer-grid">
        <AboutCard customer={c} canEdit={data.can.write} acted={acted?.form === "about" ? acted : undefined} />
        <div className="stack">
          <BillingOverview overview={data.overview} />
          <MetadataCard metadata={c.metadata} canEdit={data.can.write} acted={acted?.form === "metadata" ? acted : undefined} />
        </div>
      </div>
      <CustomerTabs id={c.id} />
      <Outlet />
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
