/**
 * One function timed in this process, for the one-process timing scripts (`overview-timing.ts`,
 * `activity-timing.ts`, `search/short-search-timing.ts`): its first call (cold statements and
 * pages), then further calls, at least `min`, until `maxCalls` or `budgetMs` of calls have run;
 * the first call's result, its time and the median of the rest, in ms.
 */
export function timeCalls<T>(run: () => T, opts: { maxCalls: number; budgetMs: number; min?: number }) {
  const first = performance.now();
  const result = run();
  const firstMs = performance.now() - first;
  const times: number[] = [];
  const deadline = performance.now() + opts.budgetMs;
  while (times.length < (opts.min ?? 5) || (performance.now() < deadline && times.length < opts.maxCalls)) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { result, firstMs, medianMs: times[times.length >> 1]!, calls: times.length };
}
