import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * The import graph of the app, read the way the compiler reads it (TypeScript's own pre-processor:
 * static imports, `import type`, re-exports and `import()`), and the layer rules it must keep.
 * See docs/architecture.md for the picture these rules hold.
 */

export type ImportGraph = Map<string, { files: string[]; packages: string[] }>;

const SOURCE = /\.(ts|tsx|js|mjs)$/;
const NOT_SOURCE = /\.(test|spec)\.(ts|tsx)$|\.d\.ts$/;
const ALIASES: [string, string][] = [
  ["~/", "app/"],
  ["#db/", "db/"],
  ["#emails/", "emails/"],
];

function walk(dir: string, root: string, out: string[]) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(rel, root, out);
    } else if (SOURCE.test(entry.name) && !NOT_SOURCE.test(entry.name)) {
      out.push(rel);
    }
  }
}

function resolve(spec: string, from: string, known: Set<string>): { file: string } | { pkg: string } | null {
  let base: string | null = null;
  for (const [alias, dir] of ALIASES) if (spec.startsWith(alias)) base = dir + spec.slice(alias.length);
  if (spec.startsWith("./") || spec.startsWith("../")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  if (base === null) {
    if (spec.startsWith("node:")) return null;
    const parts = spec.split("/");
    return { pkg: spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0] };
  }
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}.mjs`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (known.has(candidate)) return { file: candidate };
  }
  return null; // styles, JSON and other assets
}

/** Every source file under `dirs` (tests left out) with the files and packages it imports. */
export function readImportGraph(root: string, dirs: string[]): ImportGraph {
  const files: string[] = [];
  for (const dir of dirs) walk(dir, root, files);
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, true);
    const edges = { files: [] as string[], packages: [] as string[] };
    for (const { fileName } of info.importedFiles) {
      const target = resolve(fileName, file, known);
      if (target && "file" in target) edges.files.push(target.file);
      else if (target) edges.packages.push(target.pkg);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Which layer a file belongs to, for the rules below. */
export function layerOf(file: string): string {
  if (file.startsWith("db/schema/")) return "db/schema";
  const m = /^app\/([^/]+)\//.exec(file);
  return m ? `app/${m[1]}` : file.split("/")[0];
}

const SURFACES = ["app/api", "app/portal", "app/dashboard"];
// What the domain must never see: HTTP surfaces, routes and UI, and what runs the process.
const ABOVE_MODELS = [...SURFACES, "app/routes", "app/components", "app/workers", "app/server", "app/dev", "app/cli"];

/** Every broken rule, as one readable line each; empty when the layers hold. */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [file, { files, packages }] of graph) {
    const from = layerOf(file);
    for (const target of files) {
      const to = layerOf(target);
      if (from === to) continue;
      if (from === "app/models" && ABOVE_MODELS.includes(to)) out.push(`${file} → ${target}: the domain imports ${to}`);
      // Input schemas are shared by the API and the dashboard: they stand below every surface.
      if (from === "app/schemas" && ABOVE_MODELS.includes(to)) out.push(`${file} → ${target}: app/schemas (shared input schemas) imports ${to}`);
      if (SURFACES.includes(from) && SURFACES.includes(to)) out.push(`${file} → ${target}: surface ${from} imports surface ${to}`);
      if (from === "app/billing") out.push(`${file} → ${target}: app/billing is pure and imports nothing of the app`);
      if (from === "db/schema") out.push(`${file} → ${target}: db/schema imports nothing of the app`);
      if (from === "app/utils" && to !== "db/schema") out.push(`${file} → ${target}: app/utils is the ground floor and imports only db/schema`);
    }
    if (from === "app/models") {
      for (const pkg of packages) if (pkg.startsWith("@remix-run/")) out.push(`${file} → ${pkg}: the domain knows no Remix`);
    }
  }
  return out.concat(cycles(graph).map((c) => `import cycle: ${c.join(" → ")} → ${c[0]}`));
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function cycles(graph: ImportGraph): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)?.files ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.files.includes(v)) found.push(component.reverse());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
