import type { Page } from "~/models/pagination.server";

/** The list envelope of every list endpoint: `{"object":"list","data":[…],"has_more":…}`. */
export function listBody<R, O>(page: Page<R>, serialize: (row: R) => O) {
  return { object: "list" as const, data: page.rows.map(serialize), has_more: page.hasMore };
}

/** The same envelope around items already written as JSON text. */
export function listBodyJson(page: Page<string>): string {
  return `{"object":"list","data":[${page.rows.join(",")}],"has_more":${page.hasMore}}`;
}
