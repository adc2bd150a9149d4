import { describe, expect, it } from "vitest";
import { UNBOUNDED_PERIOD_START } from "./periods";
import { usageMeterView, type MeterSource } from "./usage-meters";

const start = new Date("2026-03-01T00:00:00Z");
const end = new Date("2026-04-01T00:00:00Z");
const iso = (d: Date) => d.toISOString();
const source = (limit: number | null, used: number, interval: "month" | null = "month", unit: string | null = "calls"): MeterSource => ({
  entitlement: { feature: "f", name: null, unit, limit, resetInterval: interval },
  used,
  periodStart: interval ? start : UNBOUNDED_PERIOD_START,
  resetsAt: interval ? end : null,
});

describe("usageMeterView", () => {
  it.each([
    // limit, used, reached, off, limitLabel
    [10_000, 6420, false, false, "10,000"],
    [5, 5, true, false, "5"],
    [5, 7, true, false, "5"],
    [null, 12, false, false, null],
    [0, 0, false, true, "0"],
    [0, 3, true, false, "0"],
  ] as const)("limit %s, used %s: reached %s, off %s", (limit, used, reached, off, limitLabel) => {
    const v = usageMeterView(source(limit, used), "en", iso);
    expect(v).toMatchObject({ reached, off, limitLabel, usedLabel: new Intl.NumberFormat("en").format(used), name: "f" });
  });

  it("a period with an interval has its start and end; one without has neither", () => {
    expect(usageMeterView(source(1, 0), "ko", iso)).toMatchObject({ periodStart: iso(start), resetsOn: iso(end), resetInterval: "month" });
    expect(usageMeterView(source(1, 0, null), "ko", iso)).toMatchObject({ periodStart: null, resetsOn: null, resetInterval: null });
  });
});
