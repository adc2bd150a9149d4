import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { matchLocale } from "~/i18n/index";
import { requirePortalAction } from "~/portal/guards.server";
import { portalPath } from "~/portal/redirects.server";
import { sessionStorage } from "~/portal/session.server";

/** Back to the page the switcher was on: only a path inside the portal, never an open redirect. */
function backTo(value: FormDataEntryValue | null) {
  const url = new URL(portalPath(value), "http://portal.invalid");
  url.searchParams.delete("notice");
  return `${url.pathname}${url.search}`;
}

/** The language switcher: stores the choice in the browser session, which outranks Accept-Language. */
export async function action({ request }: ActionFunctionArgs) {
  await requirePortalAction(request, "overview");
  const form = await request.formData();
  const locale = matchLocale(typeof form.get("locale") === "string" ? (form.get("locale") as string) : null);
  const to = backTo(form.get("redirect_to"));
  if (!locale) return redirect(to, { status: 303, headers: { "Cache-Control": "no-store" } });
  const session = await sessionStorage.getSession(request.headers.get("Cookie"));
  session.set("locale", locale);
  return redirect(to, { status: 303, headers: { "Cache-Control": "no-store", "Set-Cookie": await sessionStorage.commitSession(session) } });
}

// A GET changes nothing.
export async function loader() {
  return redirect("/portal", { status: 303 });
}
