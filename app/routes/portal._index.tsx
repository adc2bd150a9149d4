import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { NO_STORE, requireCustomerSession } from "~/portal/guards.server";

export const headers: HeadersFunction = () => NO_STORE;

export async function loader({ request }: LoaderFunctionArgs) {
  // Re-checked here too: this loader runs in parallel with the layout's.
  const s = await requireCustomerSession(request);
  return json({ name: s.customer.name ?? s.customer.email, email: s.customer.email }, { headers: NO_STORE });
}

export default function PortalOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("portal.welcome", { name: data.name })}</h1>
      <p className="muted">{t("portal.signedInAs", { email: data.email })}</p>
    </section>
  );
}
