import { parentPort } from "node:worker_threads";
import { isPageThread } from "./threads.server";

/**
 * Writes that a read makes (a session's last-seen time, a session found expired), run on the
 * main thread whichever thread reads (docs/decisions/021-page-thread.md). The page thread's
 * connection is read-only: there, such a write is posted to the main thread, which runs it on its
 * connection, and the read goes on once it has run. On the main thread it runs at once.
 *
 * Both threads run the same bundle, so both register the same names; only plain data crosses.
 */
type Write = (args: never) => void;
const writes = new Map<string, Write>();

export type WriteRequest = { type: "write"; id: number; name: string; args: unknown };
export type WriteAnswer = { type: "written"; id: number; error: string | null };

export function mainThreadWrite<A>(name: string, write: (args: A) => void): (args: A) => Promise<void> {
  if (writes.has(name)) throw new Error(`Two main-thread writes are named ${name}`);
  writes.set(name, write as Write);
  return (args) => (isPageThread ? requestWrite(name, args) : Promise.resolve(write(args)));
}

/** On the main thread: runs a write the page thread asked for; the error's message, if it failed. */
export function runRequestedWrite(request: WriteRequest): WriteAnswer {
  const write = writes.get(request.name);
  try {
    if (!write) throw new Error(`No main-thread write is named ${request.name}`);
    write(request.args as never);
    return { type: "written", id: request.id, error: null };
  } catch (error) {
    return { type: "written", id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

let nextId = 1;
let listening = false;
const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

function requestWrite(name: string, args: unknown): Promise<void> {
  const port = parentPort!;
  if (!listening) {
    port.on("message", onAnswer);
    listening = true;
  }
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    port.postMessage({ type: "write", id, name, args } satisfies WriteRequest);
  });
}

function onAnswer(message: { type?: string }) {
  if (message.type !== "written") return;
  const answer = message as WriteAnswer;
  const waiter = waiting.get(answer.id);
  if (!waiter) return;
  waiting.delete(answer.id);
  if (answer.error === null) waiter.resolve();
  else waiter.reject(new Error(`The main thread's write failed: ${answer.error}`));
}
