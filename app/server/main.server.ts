import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import helmet from "helmet";
import { env } from "~/utils/env.server";
import { logRequest, logger } from "~/utils/logger.server";
import { closeDatabase, sqlite } from "~/utils/db.server";
import { freezeClock, now, setClockOffset } from "~/utils/clock.server";
import { createRemixHandler, createRemixServe } from "~/server/remix-adapter.server";
import { createPageThread } from "~/server/page-worker.server";
import { cspNonce } from "~/server/csp-nonce.server";
import { captureHeaders, captureHeadersWithNonce, createFront, isApiAnswerPath, mayRenderPage, unhandledErrorBody } from "~/server/front.server";
import { apiRoutes } from "~/api/routes/index";
import { startBackgroundTasks, stopBackgroundTasks } from "~/utils/background.server";
import { bootstrap } from "~/dev/demo.server";
import { sealSecretsAtRest } from "~/server/secrets-at-rest.server";
import { crossSiteGuard } from "~/utils/csrf.server";
import { pdfRendererTask } from "~/pdf/pool.server";
import { invoiceRendersInFlight } from "~/models/invoices.server";
import { mailWorker } from "~/workers/mail.server";
import { webhookWorker } from "~/workers/webhooks.server";

const BODY_LIMIT = "1mb";

/**
 * The server (the main thread): Express, the front, the background tasks, the page thread.
 * `bundle` is the server bundle's own file (the page thread runs it again), `build` Remix's build.
 */
export function startServer(build: ServerBuild, bundle: string) {
  const buildDir = path.dirname(bundle);

  const app = express();
  app.disable("x-powered-by");
  // Nothing reads req.query (the API parses its own URL, Remix its Request): no qs parse per request.
  app.set("query parser", false);
  // A hop count or the proxies' addresses, never `true` (env.server.ts): req.ip is then the
  // X-Forwarded-For entry our own proxy wrote, not one the client chose.
  app.set("trust proxy", env.TRUST_PROXY);
  let shuttingDown = false;

  // Request id, and one structured log line per request (path redacted: no tokens, no queries).
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.locals.requestId = randomUUID();
    // A nonce only where a page may be rendered: API responses, static files and the health check
    // never carry a script, and get a policy without one (below).
    if (mayRenderPage(req.path)) res.locals.cspNonce = cspNonce();
    res.setHeader("X-Request-Id", res.locals.requestId);
    if (shuttingDown) res.setHeader("Connection", "close");
    res.on("finish", () => {
      logRequest({
        request_id: res.locals.requestId,
        method: req.method,
        url: req.originalUrl,
        status: res.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ip: req.ip,
      });
    });
    next();
  });

  // The policy of every response; a page's scripts run only with its nonce ('strict-dynamic' lets
  // them load the route modules).
  const cspDirectives = {
    defaultSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "https:", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    ...(env.https ? { upgradeInsecureRequests: [] } : {}),
  };
  const pagePolicy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { ...cspDirectives, scriptSrc: [(_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`, "'strict-dynamic'"] },
  });
  // Precomputed once by helmet: no script at all.
  const dataPolicy = helmet.contentSecurityPolicy({ useDefaults: false, directives: { ...cspDirectives, scriptSrc: ["'none'"] } });

  const securityHeaders = helmet({
    contentSecurityPolicy: false,
    strictTransportSecurity: env.https ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });
  // API answers (JSON, invoice PDFs, the health check) are read by programs, not rendered by a
  // browser: the headers the OWASP REST Security Cheat Sheet names for every API response, none of
  // those only a document uses (docs/decisions/023-api-headers.md). Cache-Control is each route's.
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: "same-origin" },
    originAgentCluster: false,
    referrerPolicy: false,
    strictTransportSecurity: env.https ? { maxAge: 31536000, includeSubDomains: true } : false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: "deny" },
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  app.use((req, res, next) => {
    if (isApiAnswerPath(req.path)) return apiHeaders(req, res, next);
    securityHeaders(req, res, (error?: unknown) => (error ? next(error) : (res.locals.cspNonce ? pagePolicy : dataPolicy)(req, res, next)));
  });

  if (env.PORTICO_TEST_CLOCK) {
    // Test-only: moves the server's clock (see app/utils/clock.server.ts). Never on in production.
    // `{ offset_ms }` runs it ahead of real time; `{ frozen_at_ms }` stops it at that instant.
    app.post("/__test/clock", express.json(), (req, res) => {
      if (req.body?.frozen_at_ms !== undefined) freezeClock(Number(req.body.frozen_at_ms));
      else setClockOffset(Number(req.body?.offset_ms ?? 0));
      pageThread?.clockMoved();
      res.json({ now: now().toISOString() });
    });
    // Test-only: how many pages the page thread rendered (docs/decisions/021-page-thread.md).
    app.get("/__test/page-thread", (_req, res) => res.json({ enabled: pageThread !== null, running: pageThread?.running ?? false, ...pageThread?.stats }));
  }

  if (env.PORTICO_TEST_PDF_GATE) {
    // Test-only: first renders in flight and the downloads waiting on them (single flight).
    app.get("/__test/pdf-renders", (_req, res) => res.json(invoiceRendersInFlight()));
  }

  // The paths Express answers itself before Remix: the front leaves them to it (expressOnly below).
  const BUILD_MOUNT = /^\/build(\/|$)/i;
  const TEST_ROUTES = /^\/__test\//i;
  app.use("/build", express.static(path.join(buildDir, "public/build"), { immutable: true, maxAge: "1y" }));
  // public/ is served only for files that exist at start: a catch-all static handler would stat
  // the disk for every page and API request.
  const publicDir = path.join(process.cwd(), "public");
  const publicFiles = new Set(
    fs.existsSync(publicDir)
      ? fs.readdirSync(publicDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => `/${path.relative(publicDir, path.join(e.parentPath, e.name)).split(path.sep).join("/")}`)
      : [],
  );
  const servePublic = express.static(publicDir, { maxAge: "1h", index: false, redirect: false });
  app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));

  app.use(crossSiteGuard);

  // Bodies are read here, once, under the limit; the Remix adapter hands them on (the front reads
  // the API's with the same parser).
  const readBody = express.raw({ type: () => true, limit: BODY_LIMIT });
  app.use(readBody);

  const serveRemix = createRemixServe({ build, mode: env.production ? "production" : "development", origin: env.PUBLIC_URL });
  // The portal's pages rendered on a second core too (docs/decisions/021-page-thread.md).
  const pageThread = env.PAGE_THREAD
    ? createPageThread({ file: bundle, local: serveRemix, forwardClock: env.PORTICO_TEST_CLOCK, always: env.PORTICO_TEST_PAGE_THREAD === "always" })
    : null;
  // What reaches Express here is a form post or another method: pages read with GET or HEAD are
  // handed to Remix by the front (docs/decisions/019-pages-off-express.md).
  app.all(
    "*",
    createRemixHandler(serveRemix, (req, res) => ({
      requestId: res.locals.requestId,
      // Empty for API paths: their routes return JSON or files, never a page.
      cspNonce: res.locals.cspNonce ?? "",
      clientIp: req.ip ?? "unknown",
    })),
  );

  app.use((error: unknown, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    const requestId = res.locals.requestId as string;
    if (status >= 500) logger.error({ err: error, request_id: requestId }, "unhandled error");
    if (res.headersSent) return res.end();
    const { json, body } = unhandledErrorBody(status, requestId, req.path, error);
    res.status(status).type(json ? "application/json" : "text/plain").send(body);
  });

  sealSecretsAtRest();
  bootstrap();

  // Prepared at the first check, not at every one (a statement that no longer runs still throws).
  let healthQuery: { get(): unknown } | undefined;
  // /api/v1 and /healthz on plain node:http, pages read with GET or HEAD straight to Remix,
  // everything else through Express (docs/decisions/011-node-http-front.md, 019-pages-off-express.md).
  const front = createFront({
    routes: apiRoutes,
    origin: env.PUBLIC_URL,
    trust: app.get("trust proxy fn"),
    apiHeaders: captureHeaders([apiHeaders]),
    pageHeaders: captureHeadersWithNonce([securityHeaders, pagePolicy]),
    readBody,
    checkHealth: () => {
      healthQuery ??= sqlite.prepare("select count(*) from merchants");
      healthQuery.get();
    },
    isShuttingDown: () => shuttingDown,
    pages: { serve: pageThread?.serve ?? serveRemix, expressOnly: (pathname) => BUILD_MOUNT.test(pathname) || TEST_ROUTES.test(pathname) || publicFiles.has(pathname) },
    // Pages and everything else Express serves start in arrival order, one per event-loop turn
    // (docs/decisions/010-fair-queue.md): the front queues them; the API's requests start at once.
    fallback: app,
  });
  const server = http.createServer(front);
  server.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    const host = typeof address === "object" && address ? address.address : env.HOST;
    logger.info({ msg: "listening", host, port, public_url: env.PUBLIC_URL, database: env.DATABASE_PATH });
    startBackgroundTasks([mailWorker, webhookWorker, pdfRendererTask]);
  });

  async function shutdown(signal: string) {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ msg: "shutting down", signal });
    // Stop accepting, let in-flight requests finish, then close the database.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 20_000);
    force.unref();
    await stopBackgroundTasks();
    await closed;
    await pageThread?.stop();
    closeDatabase();
    logger.info({ msg: "stopped" });
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
