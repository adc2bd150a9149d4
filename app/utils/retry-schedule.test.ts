import { describe, expect, it } from "vitest";
import { parseTimeoutMs } from "./env.server";
import { DEFAULT_RETRY_DELAYS_S, nextAttemptAt, parseRetryDelays } from "./retry-schedule";

describe("parseRetryDelays", () => {
  it.each([
    [undefined, DEFAULT_RETRY_DELAYS_S],
    ["", DEFAULT_RETRY_DELAYS_S],
    ["1,1,1", [1, 1, 1]],
    [" 5, 300 ,1800", [5, 300, 1800]],
    ["0.5", [0.5]],
    ["0", [0]],
  ])("%j → %j", (input, expected) => {
    expect(parseRetryDelays(input)).toEqual(expected);
  });

  it.each(["1,,2", "a", "-1", "1,x", "Infinity"])("refuses %j", (input) => {
    expect(() => parseRetryDelays(input)).toThrow(/WEBHOOK_RETRY_DELAYS/);
  });

  it("defaults to Standard Webhooks' schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h", () => {
    const h = 3600;
    expect(DEFAULT_RETRY_DELAYS_S).toEqual([5, 5 * 60, 30 * 60, 2 * h, 5 * h, 10 * h, 14 * h, 20 * h, 24 * h]);
  });
});

describe("nextAttemptAt", () => {
  const failedAt = new Date("2026-01-01T00:00:00.000Z");
  it.each([
    { attempt: 1, delays: [5, 300], expected: "2026-01-01T00:00:05.000Z" },
    { attempt: 2, delays: [5, 300], expected: "2026-01-01T00:05:00.000Z" },
    { attempt: 3, delays: [5, 300], expected: null },
    { attempt: 1, delays: [], expected: null },
    { attempt: 10, delays: DEFAULT_RETRY_DELAYS_S, expected: null },
    { attempt: 9, delays: DEFAULT_RETRY_DELAYS_S, expected: "2026-01-02T00:00:00.000Z" },
  ])("after attempt $attempt of $delays → $expected", ({ attempt, delays, expected }) => {
    expect(nextAttemptAt({ attempt, failedAt, delaysS: delays })?.toISOString() ?? null).toBe(expected);
  });
});

describe("parseTimeoutMs", () => {
  it.each([
    [undefined, 15_000],
    ["", 15_000],
    ["500", 500],
  ])("%j → %d", (input, expected) => {
    expect(parseTimeoutMs(input)).toBe(expected);
  });
  it.each(["0", "-5", "1.5", "abc", "600000"])("refuses %j", (input) => {
    expect(() => parseTimeoutMs(input)).toThrow(/WEBHOOK_TIMEOUT_MS/);
  });
});
