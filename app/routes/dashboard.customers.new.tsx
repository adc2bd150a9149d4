import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CreateCustomerSchema } from "~/schemas/customers";
import { NewCustomerForm } from "~/components/dashboard/new-customer";
import { DashboardErrorView } from "~/components/dashboard/error-view";
import { PageHeader, type FieldErrors } from "~/components/dashboard/ui";
import { customerBodyFromForm, formFailure, runAction } from "~/dashboard/customers.server";
import { zodFieldErrors } from "~/dashboard/forms.server";
import { NO_STORE, requireStaff, requireStaffAction } from "~/dashboard/guards.server";
import { redirectWithNotice } from "~/dashboard/notices.server";
import { createCustomer } from "~/models/customers.server";

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => (actionHeaders.has("Cache-Control") ? actionHeaders : loaderHeaders);

// The no-JavaScript "New customer" page; with JavaScript the customers table opens the same
// form in a dialog (the `n` key) and posts it here.
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "customers:write");
  return json({}, { headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const s = await requireStaffAction(request, "customers:write", context.clientIp);
  const form = await request.formData();
  const values = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  // The API's schema, so the rules (and their inline messages) are the API's.
  const parsed = CreateCustomerSchema.safeParse(customerBodyFromForm(form));
  if (!parsed.success) return formFailure(zodFieldErrors(parsed.error), { values });
  const done = runAction(() => createCustomer({ merchantId: s.merchant.id, input: parsed.data, actor: s.actor }));
  if (!done.ok) return formFailure(done.errors, { values });
  return redirectWithNotice(`/dashboard/customers/${done.value.id}`, "customer_created");
}

export default function NewCustomerPage() {
  const acted = useActionData<typeof action>() as { errors?: FieldErrors; values?: Record<string, string> } | undefined;
  const { t } = useTranslation();
  return (
    <div data-testid="page-new-customer">
      <PageHeader title={t("dash.customers.newTitle")} description={t("dash.customers.newIntro")} />
      <section className="card">
        <NewCustomerForm errors={acted?.errors} values={acted?.values} />
      </section>
    </div>
  );
}

export const ErrorBoundary = DashboardErrorView;
