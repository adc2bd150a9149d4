import { Worker, parentPort, type ResourceLimits } from "node:worker_threads";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler } from "@remix-run/node";
import { clockState, freezeClock, setClockOffset } from "~/utils/clock.server";
import { requestsBegin } from "~/utils/commit-cache.server";
import { documentBody } from "~/utils/document-body.server";
import { logger } from "~/utils/logger.server";
import { runRequestedWrite, type WriteRequest } from "~/utils/main-thread-writes.server";
import { PAGE_THREAD_ROLE } from "~/utils/threads.server";
import { remixRequest, writeRemixHead, type RemixServe } from "./remix-adapter.server";

/**
 * The page thread (docs/decisions/021-page-thread.md): a worker thread that renders the portal's
 * pages beside the main thread, so that a page load uses both cores. It runs the same server
 * bundle (`workerData.role === "pages"`) with a read-only connection of its own
 * (app/utils/db.server.ts): the pages it renders are reads, and a loader that tried to write
 * would fail there rather than become a second writer beside the group commit.
 *
 * The main thread keeps the socket, the request's head (request id, nonce, security headers, the
 * log line) and every write; the thread gets the URL, the headers and the load context, and
 * answers with the status, the headers and the whole body (a rendered page is a string, never a
 * stream). Whatever the main thread holds in memory that a page depends on is posted on the same
 * port before the pages that follow it (the test clock), so it arrives first.
 */

/** The portal's pages whose loaders only read: the thread may render these (GET and HEAD). */
const THREAD_PAGES = /^\/portal(?:\/(?:billing|licenses|profile|subscriptions|usage|wallet|subscriptions\/[^/]+\/cancel))?\/?$/;
export const mayRenderInThread = (pathname: string) => THREAD_PAGES.test(pathname);

type PageRequest = { type: "page"; id: number; method: string; url: string; rawHeaders: string[]; context: AppLoadContext };
type ToThread = PageRequest | { type: "abort"; id: number } | { type: "clock"; offsetMs: number; frozenAtMs: number | null };

/**
 * Pages the thread may have in hand before the main thread renders the next one itself (ADR 021:
 * 2 and 4 gave 652 and 690 pages a second, one run each; its addenda: 8 did ≈ 9 % more than 4 in
 * six alternated rounds, and fits the 300 MB ceiling beside the main thread's 8 MB semi-spaces,
 * `npm start`'s `--max-semi-space-size=8`: the bench's peak RSS 267–270 MB, against 302 without).
 */
const DEFAULT_DEPTH = 8;
/** The thread stops after this long without a page. */
const DEFAULT_IDLE_MS = 10_000;
/**
 * The thread's young generation, below V8's default (16 MB semi-spaces): under 15 s of page load
 * at 50 connections the process peaked at 317–322 MB with the default and 299–312 MB with this
 * (287–290 MB over a whole `npm run bench`); 6 MB (285–296 MB) cost a page 9–15 % more CPU
 * (ADR 021, addendum).
 */
const DEFAULT_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 16 };

type FromThread = PageAnswer | WriteRequest | { type: "ready" };
type PageAnswer =
  | { type: "answer"; id: number; ok: true; status: number; statusText: string; headers: [string, string][]; cookies: string[]; body: Uint8Array | null }
  | { type: "answer"; id: number; ok: false; error: { message: string; stack?: string; status?: number } };

/** In the page thread: answers the main thread's pages until the thread is terminated. */
export function answerPages(build: ServerBuild, options: { mode: string; origin: string }) {
  const handle = createRequestHandler(build, options.mode);
  const port = parentPort!;
  const aborts = new Map<number, AbortController>();
  port.on("message", (message: ToThread | { type: "written" }) => {
    if (message.type === "written") return; // app/utils/main-thread-writes.server.ts takes these
    if (message.type === "abort") return aborts.get(message.id)?.abort();
    if (message.type === "clock") {
      if (message.frozenAtMs !== null) freezeClock(message.frozenAtMs);
      else setClockOffset(message.offsetMs);
      return;
    }
    // A commit cache answers this page from a data_version read after it arrived (ADR 020).
    requestsBegin();
    const controller = new AbortController();
    aborts.set(message.id, controller);
    answer(message, controller.signal)
      .then(
        (answer) => port.postMessage(answer, answer.ok && answer.body ? [answer.body.buffer as ArrayBuffer] : []),
        (error: unknown) => {
          const e = error as { message?: string; stack?: string; status?: number };
          port.postMessage({ type: "answer", id: message.id, ok: false, error: { message: String(e?.message ?? error), stack: e?.stack, status: e?.status } } satisfies PageAnswer);
        },
      )
      .finally(() => aborts.delete(message.id));
  });
  port.postMessage({ type: "ready" } satisfies FromThread);

  async function answer(message: PageRequest, signal: AbortSignal): Promise<PageAnswer> {
    const request = remixRequest({ method: message.method, url: message.url, rawHeaders: message.rawHeaders, body: undefined, signal, origin: options.origin });
    const response = await handle(request, message.context);
    const body = message.method === "HEAD" ? null : await bodyOf(response);
    const headers: [string, string][] = [];
    for (const [name, value] of response.headers) if (name !== "set-cookie") headers.push([name, value]);
    return { type: "answer", id: message.id, ok: true, status: response.status, statusText: response.statusText, headers, cookies: response.headers.getSetCookie(), body };
  }
}

/**
 * A page's bytes in an ArrayBuffer of their own, transferred (not copied) to the main thread. A
 * rendered page's bytes come from beside its Response (app/utils/document-body.server.ts);
 * `Buffer.from` gives one over 4 KB a buffer of its own, and a smaller one a slice of Node's
 * shared pool, which is copied out rather than handed over.
 */
async function bodyOf(response: Response): Promise<Uint8Array | null> {
  const page = documentBody(response);
  if (page === undefined) return response.body ? new Uint8Array(await response.arrayBuffer()) : null;
  return page.byteOffset === 0 && page.byteLength === page.buffer.byteLength ? page : new Uint8Array(page);
}

/** What the main thread hands the thread, and when. */
export type PageThreadOptions = {
  /** The server bundle (run again in the thread with the pages role). */
  file: string;
  /** Renders a page on the main thread. */
  local: RemixServe;
  /** Pages the thread may have in hand before the main thread renders the next one itself. */
  depth?: number;
  /** The thread stops after this long without a page. */
  idleMs?: number;
  resourceLimits?: ResourceLimits;
  /** Posts the test clock's setting to the thread before its first page (PORTICO_TEST_CLOCK). */
  forwardClock?: boolean;
  /**
   * Test-only (PORTICO_TEST_PAGE_THREAD=always): every page the thread may render waits for it,
   * whatever its depth, so that a test suite exercises the thread on every such page.
   */
  always?: boolean;
};

/**
 * On the main thread: a RemixServe that hands the thread's pages to it while it has fewer than
 * `depth` in hand, and renders the rest itself (so the main thread renders too while the thread
 * is busy, and alone while the thread is starting). The thread starts at the first page it may
 * render and stops after `idleMs` without one: its memory (≈ 50 MB under load) is spent only
 * while pages are being read. A thread that dies fails only the pages it had in hand (the
 * error handler's 500); the next page starts another.
 */
export function createPageThread(options: PageThreadOptions) {
  const depth = options.depth ?? DEFAULT_DEPTH;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  /** A thread and the pages in its hands (a stopped thread's exit fails only its own). */
  type Running = { worker: Worker; ready: Promise<void>; isReady: boolean; pending: Map<number, { resolve: (answer: PageAnswer) => void; reject: (error: Error) => void }> };
  let current: Running | null = null;
  let stopping = false;
  let nextId = 1;
  let lastPageAt = 0;
  /** Pages waiting for the thread to be ready (`always`). */
  let waiting = 0;
  const stats = { thread: 0, local: 0, starts: 0, failures: 0 };

  const sendClock = (worker: Worker) => {
    if (options.forwardClock) worker.postMessage({ type: "clock", ...clockState() } satisfies ToThread);
  };

  function start(): Running {
    stats.starts++;
    const worker = new Worker(options.file, { workerData: { role: PAGE_THREAD_ROLE }, resourceLimits: options.resourceLimits ?? DEFAULT_LIMITS });
    let markReady!: () => void;
    let failStart!: (error: Error) => void;
    const running: Running = { worker, isReady: false, pending: new Map(), ready: new Promise<void>((resolve, reject) => ((markReady = resolve), (failStart = reject))) };
    const { pending } = running;
    // Nobody may be waiting (only `always` waits): a thread that fails to start is logged below.
    running.ready.catch(() => {});
    // The clock as it stands now, before any page (the port keeps the order).
    sendClock(worker);
    worker.on("message", (message: FromThread) => {
      if (message.type === "ready") {
        running.isReady = true;
        markReady();
        return;
      }
      if (message.type === "write") return worker.postMessage(runRequestedWrite(message));
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      waiter.resolve(message);
    });
    worker.on("error", (error) => logger.error({ err: error }, "page thread failed"));
    worker.on("exit", (code) => {
      if (current === running) current = null;
      const error = new Error(`The page thread stopped (exit code ${code})`);
      failStart(error);
      if (pending.size > 0) stats.failures++;
      for (const [id, waiter] of pending) {
        pending.delete(id);
        waiter.reject(error);
      }
    });
    return running;
  }

  // Idle: the thread stops (checked a few times an idle period; the timer never keeps the process alive).
  const idleCheck = setInterval(
    () => {
      if (current && current.pending.size === 0 && waiting === 0 && performance.now() - lastPageAt > idleMs) {
        const { worker } = current;
        current = null;
        void worker.terminate();
      }
    },
    Math.max(50, idleMs / 4),
  );
  idleCheck.unref();

  const serve: RemixServe = async (req, res, body, context) => {
    const pathname = (req.url ?? "").split("?")[0];
    if (stopping || !mayRenderInThread(pathname)) return options.local(req, res, body, context);
    lastPageAt = performance.now();
    const running = (current ??= start());
    if (options.always) {
      waiting++;
      try {
        await running.ready;
      } finally {
        waiting--;
      }
      // Gone since it became ready: its exit has failed the pages it had; this one was not among them.
      if (current !== running) throw new Error("The page thread stopped before this page reached it");
    } else if (!running.isReady || running.pending.size >= depth) {
      stats.local++;
      return options.local(req, res, body, context);
    }
    stats.thread++;
    const id = nextId++;
    const answered = new Promise<PageAnswer>((resolve, reject) => running.pending.set(id, { resolve, reject }));
    const onClose = () => {
      if (running.pending.has(id)) running.worker.postMessage({ type: "abort", id } satisfies ToThread);
    };
    res.on("close", onClose);
    running.worker.postMessage({ type: "page", id, method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, context } satisfies ToThread);
    try {
      const answer = await answered;
      if (!answer.ok) throw Object.assign(new Error(answer.error.message), { stack: answer.error.stack, status: answer.error.status });
      writeRemixHead(res, answer.status, answer.statusText, answer.headers, answer.cookies);
      res.end(answer.body ?? undefined);
    } finally {
      res.off("close", onClose);
    }
  };

  return {
    serve,
    /** Pages rendered in the thread and on the main thread, threads started, threads lost with pages in hand. */
    stats,
    /** Whether a thread is running (started or starting). */
    get running() {
      return current !== null;
    },
    /** Forwards the test clock (on the same port as the pages, so it arrives before the next one). */
    clockMoved() {
      if (current) sendClock(current.worker);
    },
    async stop() {
      stopping = true;
      clearInterval(idleCheck);
      const worker = current?.worker;
      current = null;
      await worker?.terminate();
    },
  };
}
