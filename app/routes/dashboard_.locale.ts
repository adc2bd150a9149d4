import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NO_STORE, requireSignedInStaff } from "~/dashboard/guards.server";
import { formString } from "~/dashboard/forms.server";
import { safeRedirectPath } from "~/dashboard/redirects.server";
import { matchLocale } from "~/i18n/index";
import { setStaffLocale } from "~/models/staff-users.server";
import { assertSameOrigin } from "~/utils/csrf.server";

/** The language switcher: the staff user's choice outranks Accept-Language from then on. */
export async function action({ request, context }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { staff } = await requireSignedInStaff(request, context);
  const form = await request.formData();
  const locale = matchLocale(formString(form, "locale"));
  const to = safeRedirectPath(form.get("redirect_to"));
  if (locale) setStaffLocale({ staffUserId: staff.id, locale });
  return redirect(to, { status: 303, headers: NO_STORE });
}

export async function loader() {
  return redirect("/dashboard", { status: 303, headers: NO_STORE });
}
