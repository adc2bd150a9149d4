import { redirect } from "@remix-run/node";
import { NO_STORE } from "./http.server";
import { portalPath } from "./redirects.server";

// What a portal page says after an action: post/redirect/get with a notice from a fixed list.

export const NOTICES = [
  "cancellation_scheduled",
  "cancelled",
  "resumed",
  "deactivated",
  "profile_saved",
  "email_change_sent",
  "email_changed",
  "unchanged",
  "language_changed",
] as const;
export type Notice = (typeof NOTICES)[number];

/** Post/redirect/get: the page shows the result from a fixed list named in the query. */
export function redirectWithNotice(path: string, notice: Notice, headers: Record<string, string> = {}) {
  const url = new URL(portalPath(path), "http://portal.invalid");
  url.searchParams.set("notice", notice);
  return redirect(`${url.pathname}${url.search}`, { status: 303, headers: { ...NO_STORE, ...headers } });
}

export function noticeOf(request: Request): Notice | null {
  const value = new URL(request.url).searchParams.get("notice");
  return (NOTICES as readonly string[]).includes(value ?? "") ? (value as Notice) : null;
}
