/**
 * Waiting on a condition, the only way tests wait (see README "Testing: no timing assumptions").
 *
 * The deadline is a failure bound, not a schedule: on a green run the condition is met long
 * before it, however loaded the machine. It is generous so that a busy CI box never misses it,
 * and shorter than the test timeout so that a failure names what was awaited.
 */
export const WAIT_TIMEOUT_MS = 60_000;

/**
 * Polls `check` until it returns something other than `undefined`, `null` or `false`, and
 * resolves with that value. Throws "timed out waiting for <what>" at the deadline.
 */
export async function waitUntil<T>(
  what: string | (() => string),
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? WAIT_TIMEOUT_MS);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 25));
  }
}
