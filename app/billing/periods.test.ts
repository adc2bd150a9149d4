import { describe, expect, it } from "vitest";
import { addInterval, type Interval } from "./periods";

describe("addInterval", () => {
  it.each([
    ["2026-01-15T10:00:00.000Z", "day", 1, "2026-01-16T10:00:00.000Z"],
    ["2026-01-15T10:00:00.000Z", "week", 2, "2026-01-29T10:00:00.000Z"],
    ["2026-01-15T10:00:00.000Z", "month", 1, "2026-02-15T10:00:00.000Z"],
    ["2026-01-31T00:00:00.000Z", "month", 1, "2026-02-28T00:00:00.000Z"],
    ["2028-01-31T00:00:00.000Z", "month", 1, "2028-02-29T00:00:00.000Z"],
    ["2026-11-30T08:30:00.000Z", "month", 3, "2027-02-28T08:30:00.000Z"],
    ["2026-12-15T00:00:00.000Z", "month", 1, "2027-01-15T00:00:00.000Z"],
    ["2028-02-29T00:00:00.000Z", "year", 1, "2029-02-28T00:00:00.000Z"],
  ] as const)("%s + %s × %s → %s", (start, interval, count, want) => {
    expect(addInterval(new Date(start), interval as Interval, count).toISOString()).toBe(want);
  });
});
