import type { ServerResponse } from "node:http";

/** Resolves when the response can take more, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  // A write to a response already gone answers false, and its close has been and gone.
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * A web ReadableStream (a Remix response body) written to a Node response at the pace the client
 * reads it. `@remix-run/node`'s `writeReadableStreamToWritable` ignores `write()`'s answer, so a
 * stream that can produce faster than the client reads — the CSV export of a million customers —
 * was buffered whole in the socket's queue, outside the heap's ceiling (RSS +99 MB in the bench
 * at 1,000,000 customers). Here a full socket waits for `drain`, the stream is read only as fast
 * as it empties, and a client that goes away cancels the stream, so its producer stops.
 */
export async function writeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) {
        res.end();
        return;
      }
      if (!res.write(value)) await writable(res);
    }
  } catch (error) {
    res.destroy(error as Error);
    throw error;
  } finally {
    reader.releaseLock();
  }
}
