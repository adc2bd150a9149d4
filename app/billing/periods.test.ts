import { describe, expect, it } from "vitest";
import { addInterval, periodContaining, UNBOUNDED_PERIOD_START, type Interval } from "./periods";

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

describe("periodContaining", () => {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  it.each([
    // anchor, interval, at → start, end
    ["2026-01-31T00:00:00.000Z", "month", "2026-02-15T12:00:00.000Z", "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"],
    ["2026-01-31T00:00:00.000Z", "month", "2026-02-28T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    ["2026-01-31T00:00:00.000Z", "month", "2026-02-27T23:59:59.999Z", "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"],
    // Clamped from the anchor each time, so April does not inherit February's 28th.
    ["2026-01-31T00:00:00.000Z", "month", "2026-04-30T08:00:00.000Z", "2026-04-30T00:00:00.000Z", "2026-05-31T00:00:00.000Z"],
    ["2028-01-31T10:00:00.000Z", "month", "2028-03-01T00:00:00.000Z", "2028-02-29T10:00:00.000Z", "2028-03-31T10:00:00.000Z"],
    ["2026-01-15T10:00:00.000Z", "month", "2026-01-15T10:00:00.000Z", "2026-01-15T10:00:00.000Z", "2026-02-15T10:00:00.000Z"],
    ["2026-01-15T10:00:00.000Z", "month", "2026-12-31T23:00:00.000Z", "2026-12-15T10:00:00.000Z", "2027-01-15T10:00:00.000Z"],
    // An anchor in the future tiles backwards.
    ["2026-05-31T00:00:00.000Z", "month", "2026-03-01T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"],
    ["2026-01-01T06:00:00.000Z", "day", "2026-01-03T05:59:59.999Z", "2026-01-02T06:00:00.000Z", "2026-01-03T06:00:00.000Z"],
    ["2026-01-01T06:00:00.000Z", "day", "2025-12-31T07:00:00.000Z", "2025-12-31T06:00:00.000Z", "2026-01-01T06:00:00.000Z"],
    ["2026-01-05T00:00:00.000Z", "week", "2026-01-20T00:00:00.000Z", "2026-01-19T00:00:00.000Z", "2026-01-26T00:00:00.000Z"],
    ["2028-02-29T00:00:00.000Z", "year", "2029-03-01T00:00:00.000Z", "2029-02-28T00:00:00.000Z", "2030-02-28T00:00:00.000Z"],
    ["2028-02-29T00:00:00.000Z", "year", "2032-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z", "2033-02-28T00:00:00.000Z"],
  ] as const)("%s every %s, at %s → [%s, %s)", (anchor, interval, at, start, end) => {
    const p = periodContaining(new Date(anchor), interval as Interval, new Date(at));
    expect([iso(p.start), iso(p.end)]).toEqual([start, end]);
  });

  it("without an interval is one period that never ends", () => {
    const p = periodContaining(new Date("2026-01-01T00:00:00Z"), null, new Date("2030-01-01T00:00:00Z"));
    expect(p.start.getTime()).toBe(UNBOUNDED_PERIOD_START.getTime());
    expect(p.end).toBeNull();
  });
});
