import { env } from "./env.server";

// All "now" in the domain comes from here, so tests can move time without sleeping.
// The offset can only be changed when PORTICO_TEST_CLOCK is on, which production ignores.
let offsetMs = 0;

export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

export function setClockOffset(ms: number) {
  if (!env.PORTICO_TEST_CLOCK) throw new Error("The test clock is disabled");
  offsetMs = ms;
}
