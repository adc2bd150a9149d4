import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NO_STORE, requireStaff } from "~/dashboard/guards.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request, "settings:read");
  return redirect("/dashboard/settings/portal", { status: 303, headers: NO_STORE });
}
