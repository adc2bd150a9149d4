import { describe, expect, it } from "vitest";
import { cycles, layerViolations, readImportGraph, type ImportGraph } from "./setup/import-graph";
import { ROOT } from "./setup/server";

// The rules of docs/architecture.md, checked against the imports of app/, db/ and emails/.

describe("the layers", () => {
  const graph = readImportGraph(ROOT, ["app", "db", "emails"]);

  it("reads the whole app", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("app/api/route.server.ts")?.files).toContain("app/models/api-keys.server.ts");
    expect(graph.get("app/api/route.server.ts")?.packages).toContain("@remix-run/node");
  });

  it("hold: the domain knows no surface, surfaces know no other surface, billing and db/schema know no app, no cycles", () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});

describe("the checker", () => {
  const g = (edges: Record<string, string[]>, packages: Record<string, string[]> = {}): ImportGraph =>
    new Map(Object.entries(edges).map(([file, files]) => [file, { files, packages: packages[file] ?? [] }]));

  it("finds every kind of broken rule", () => {
    const broken = g(
      {
        "app/models/a.server.ts": ["app/api/errors.server.ts", "app/models/b.server.ts"],
        "app/models/b.server.ts": ["app/models/a.server.ts"],
        "app/api/errors.server.ts": ["app/portal/guards.server.ts"],
        "app/portal/guards.server.ts": [],
        "app/billing/money.ts": ["app/utils/env.server.ts"],
        "app/utils/env.server.ts": ["app/models/b.server.ts"],
        "db/schema/a.ts": ["app/utils/env.server.ts"],
        "app/schemas/customers.ts": ["app/api/errors.server.ts"],
      },
      { "app/models/b.server.ts": ["@remix-run/node"] },
    );
    const found = layerViolations(broken);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining("app/models/a.server.ts → app/api/errors.server.ts"),
        expect.stringContaining("app/api/errors.server.ts → app/portal/guards.server.ts"),
        expect.stringContaining("app/billing/money.ts → app/utils/env.server.ts"),
        expect.stringContaining("db/schema/a.ts → app/utils/env.server.ts"),
        expect.stringContaining("app/utils/env.server.ts → app/models/b.server.ts"),
        expect.stringContaining("app/models/b.server.ts → @remix-run/node"),
        expect.stringContaining("app/schemas/customers.ts → app/api/errors.server.ts"),
        expect.stringContaining("import cycle"),
      ]),
    );
  });

  it("finds a cycle of any length, and a file importing itself", () => {
    expect(cycles(g({ a: ["b"], b: ["c"], c: ["a"], d: ["a"] }))).toEqual([["a", "b", "c"]]);
    expect(cycles(g({ a: ["a"] }))).toEqual([["a"]]);
    expect(cycles(g({ a: ["b"], b: [] }))).toEqual([]);
  });
});
