// The server bundle's entry. On the main thread it starts the server (app/server/main.server.ts);
// run again in the page thread, it renders the pages the main thread hands it
// (app/server/page-worker.server.ts, docs/decisions/021-page-thread.md).
import { fileURLToPath } from "node:url";
import * as build from "@remix-run/dev/server-build";
import type { ServerBuild } from "@remix-run/node";
import { env } from "~/utils/env.server";
import { isPageThread } from "~/utils/threads.server";
import { answerPages } from "~/server/page-worker.server";
import { startServer } from "~/server/main.server";

if (isPageThread) answerPages(build as unknown as ServerBuild, { mode: env.production ? "production" : "development", origin: env.PUBLIC_URL });
else startServer(build as unknown as ServerBuild, fileURLToPath(import.meta.url));
