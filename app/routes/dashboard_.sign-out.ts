import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NO_STORE } from "~/dashboard/guards.server";
import { endSessionCookie, readStaffSession } from "~/dashboard/session.server";
import { assertSameOrigin } from "~/utils/csrf.server";

/** Ends the current staff session (its row and the cookie). */
export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  const cookie = await endSessionCookie(await readStaffSession(request));
  return redirect("/dashboard/sign-in?notice=signed_out", { status: 303, headers: { ...NO_STORE, "Set-Cookie": cookie } });
}

// A GET changes nothing.
export async function loader() {
  return redirect("/dashboard", { status: 303, headers: NO_STORE });
}
