import { isMainThread, workerData } from "node:worker_threads";

/** The role the page thread is started with (app/server/page-worker.server.ts). */
export const PAGE_THREAD_ROLE = "pages";

/** True in the page thread: the server bundle run to render pages, not to serve (docs/decisions/021-page-thread.md). */
export const isPageThread = !isMainThread && (workerData as { role?: string } | null)?.role === PAGE_THREAD_ROLE;
