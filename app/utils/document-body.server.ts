/**
 * A rendered page travels beside its Response, not inside it. `app/entry.server.tsx` answers Remix
 * with a body-less Response and the page's bytes kept here; the two places that write a page
 * (`app/server/remix-adapter.server.ts` on the main thread, `app/server/page-worker.server.ts` in
 * the page thread) take the bytes from here. A body would cost a ReadableStream made (undici's
 * `extractBody`) and read back (`arrayBuffer()` in the thread, a reader on the main thread) for
 * every page: ≈ 3 % of a billing page's CPU in the thread, ≈ 2 % on the main thread (issue 13).
 * Remix hands the entry's Response on as it is (a HEAD request's copy is body-less anyway).
 */
const bodies = new WeakMap<Response, Buffer>();

/** A page's Response: status and headers as given, its bytes (the UTF-8 of `html`) kept beside it. */
export function documentResponse(html: string, init: { status: number; headers: Headers }): Response {
  const response = new Response(null, init);
  bodies.set(response, Buffer.from(html));
  return response;
}

/** The bytes of a page made by `documentResponse`; undefined for any other Response (its body is its own). */
export function documentBody(response: Response): Buffer | undefined {
  return bodies.get(response);
}
