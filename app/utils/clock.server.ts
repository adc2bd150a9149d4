import { env } from "./env.server";

// All "now" in the domain comes from here, so tests can move time without sleeping.
// The clock can only be moved when PORTICO_TEST_CLOCK is on, which production ignores.
let offsetMs = 0;
// A frozen clock stands still, so a test can check a boundary (valid one millisecond before
// expiry, refused at it) however long its requests take on a loaded machine.
let frozenAtMs: number | null = null;

export function now(): Date {
  return new Date(frozenAtMs ?? Date.now() + offsetMs);
}

/** Runs the clock `ms` ahead of real time (and unfreezes it). */
export function setClockOffset(ms: number) {
  if (!env.PORTICO_TEST_CLOCK) throw new Error("The test clock is disabled");
  frozenAtMs = null;
  offsetMs = ms;
}

/** Stops the clock at `atMs` (epoch milliseconds) until the next freeze or offset. */
export function freezeClock(atMs: number) {
  if (!env.PORTICO_TEST_CLOCK) throw new Error("The test clock is disabled");
  frozenAtMs = atMs;
}

/** The clock's setting, for another thread to take over (app/server/page-worker.server.ts). */
export function clockState(): { offsetMs: number; frozenAtMs: number | null } {
  return { offsetMs, frozenAtMs };
}
