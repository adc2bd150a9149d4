import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { assertSameOrigin } from "~/utils/csrf.server";
import { signOut } from "~/portal/guards.server";

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const { cookie, location } = await signOut(request);
  return redirect(location, { status: 303, headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}

// Signing out is a POST; a GET changes nothing and goes back to the portal.
export async function loader() {
  return redirect("/portal", { status: 303 });
}
