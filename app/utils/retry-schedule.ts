// When an outbox tries again: pure functions, shared by the outbox engine and the configuration.

/**
 * Standard Webhooks' retry schedule: after the immediate first attempt, wait 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, 14 h, 20 h and 24 h before each retry; ten attempts in all.
 */
export const DEFAULT_RETRY_DELAYS_S = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

/** `WEBHOOK_RETRY_DELAYS`: comma-separated seconds before each retry. Unset or blank = default. */
export function parseRetryDelays(value: string | undefined): number[] {
  if (value === undefined || value.trim() === "") return DEFAULT_RETRY_DELAYS_S;
  const delays = value.split(",").map((part) => part.trim());
  const parsed = delays.map(Number);
  if (delays.some((d) => d === "") || parsed.some((d) => !Number.isFinite(d) || d < 0)) {
    throw new Error(
      `WEBHOOK_RETRY_DELAYS must be comma-separated non-negative seconds (e.g. "5,300,1800"), got "${value}"`,
    );
  }
  return parsed;
}

/**
 * What happens after attempt number `attempt` (1-based) failed: the time of the next try, or
 * null when it was the last one and the delivery is failed.
 */
export function nextAttemptAt(opts: { attempt: number; failedAt: Date; delaysS: number[] }): Date | null {
  const delay = opts.delaysS[opts.attempt - 1];
  if (delay === undefined) return null;
  return new Date(opts.failedAt.getTime() + Math.round(delay * 1000));
}
