import { registerBackgroundTask } from "~/server/background.server";
import { env } from "~/utils/env.server";
import { now } from "~/utils/clock.server";
import { logger } from "~/utils/logger.server";
import { claimDueDeliveries, recordAttempt, releaseStaleLeases, type ClaimedDelivery } from "./queue.server";
import { parseRetryDelays, parseTimeoutMs } from "./schedule";
import { postWebhook } from "./send.server";
import { signatureHeaders } from "./signing.server";
import { onDeliveriesQueued } from "./wake.server";

// Parsed at import, so a bad value stops start-up with a clear message instead of failing later.
const retryDelaysS = parseRetryDelays(env.WEBHOOK_RETRY_DELAYS);
const timeoutMs = parseTimeoutMs(process.env.WEBHOOK_TIMEOUT_MS);

const MAX_IN_FLIGHT = 8;
// Idle polling finds retries that came due; new events wake the loop at once.
const POLL_MS = 500;
const LEASE_MS = timeoutMs + 30_000;
// Shutdown waits this long for attempts in flight, then abandons them (their lease is released
// at the next start, so they are sent again rather than lost).
const SHUTDOWN_WAIT_MS = 10_000;

let running = false;
let abandoned = false;
let timer: NodeJS.Timeout | undefined;
let abort = new AbortController();
const inFlight = new Map<number, Promise<void>>();

function schedule(ms: number) {
  if (!running) return;
  clearTimeout(timer);
  timer = setTimeout(tick, ms);
}

function tick() {
  if (!running) return;
  try {
    const free = MAX_IN_FLIGHT - inFlight.size;
    if (free > 0) {
      const skip = new Set(inFlight.keys());
      for (const delivery of claimDueDeliveries({ limit: free, leaseMs: LEASE_MS, skip })) {
        const sending = deliver(delivery).finally(() => {
          inFlight.delete(delivery.seq);
          schedule(0);
        });
        inFlight.set(delivery.seq, sending);
      }
    }
  } catch (error) {
    logger.error({ err: error }, "webhook delivery loop failed to claim deliveries");
  }
  schedule(POLL_MS);
}

async function deliver(delivery: ClaimedDelivery) {
  const attempt = delivery.attempts + 1;
  const startedAt = now();
  // The receiver checks webhook-timestamp against its own clock: wall time, not the domain clock.
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = signatureHeaders({ secret: delivery.secret, id: delivery.eventId, timestamp, body: delivery.payload });
  const result = await postWebhook({
    url: delivery.url,
    body: delivery.payload,
    headers,
    timeoutMs,
    blockPrivate: !env.WEBHOOK_ALLOW_PRIVATE_URLS,
    signal: abort.signal,
  });
  if (abandoned) return;
  try {
    recordAttempt({ delivery, attempt, startedAt, result, retryDelaysS });
  } catch (error) {
    // The lease expires and the attempt is made again: at-least-once, same webhook-id.
    logger.error({ err: error, event_id: delivery.eventId }, "could not record a webhook attempt");
    return;
  }
  logger.info({
    msg: "webhook attempt",
    event_id: delivery.eventId,
    endpoint_id: delivery.endpointId,
    attempt,
    status_code: result.statusCode,
    error: result.error,
    delivered: result.delivered,
    duration_ms: result.durationMs,
  });
}

function start() {
  const released = releaseStaleLeases();
  if (released > 0) logger.info({ msg: "released webhook deliveries left by a previous process", count: released });
  running = true;
  abandoned = false;
  abort = new AbortController();
  onDeliveriesQueued(() => schedule(0));
  schedule(0);
}

async function stop() {
  running = false;
  clearTimeout(timer);
  onDeliveriesQueued(null);
  if (inFlight.size === 0) return;
  let waitTimer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    Promise.allSettled([...inFlight.values()]).then(() => true),
    new Promise<boolean>((resolve) => {
      waitTimer = setTimeout(() => resolve(false), SHUTDOWN_WAIT_MS);
    }),
  ]);
  clearTimeout(waitTimer);
  if (!finished) {
    abandoned = true;
    abort.abort();
    logger.warn({ msg: "abandoned webhook attempts in flight at shutdown; they will be sent again", count: inFlight.size });
  }
}

registerBackgroundTask({ name: "webhook-deliveries", start, stop });
