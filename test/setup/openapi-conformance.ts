import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * Holds one real API response against the served OpenAPI document: the operation must exist
 * (or the answer is the API's JSON 404), its status must be documented for that operation, and
 * the body must match the documented content type and JSON Schema. Returns what is wrong, one
 * line each; nothing when the document tells the truth.
 */

type Doc = {
  servers?: { url: string }[];
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
};

export type ObservedResponse = { method: string; path: string; status: number; contentType: string | null; body: string };

const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

export function conformanceChecker(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi");
  const compiled = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let v = compiled.get(ref);
    if (!v) {
      v = ajv.compile({ $ref: `openapi#/${ref}` });
      compiled.set(ref, v);
    }
    return v;
  };
  const base = doc.servers?.[0]?.url ?? "";
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    params: (template.match(/\{/g) ?? []).length,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`),
  }));
  // A literal path beats a template with parameters (/licenses/activate before /licenses/{id}).
  templates.sort((a, b) => a.params - b.params);

  function validate(ref: string, what: string, value: unknown): string[] {
    const v = validator(ref);
    if (v(value)) return [];
    return [`${what}: ${ajv.errorsText(v.errors, { separator: "; ", dataVar: "body" })}`];
  }

  return function check(r: ObservedResponse): string[] {
    const what = `${r.method.toUpperCase()} ${r.path} → ${r.status}`;
    const path = r.path.startsWith(base) ? r.path.slice(base.length) : r.path;
    const found = templates.find((t) => t.pattern.test(path));
    const op = found ? doc.paths[found.template][r.method.toLowerCase()] : undefined;
    const json = () => {
      try {
        return { ok: true as const, value: JSON.parse(r.body) as unknown };
      } catch {
        return { ok: false as const };
      }
    };
    if (!op) {
      // Not an operation of the document: the API's JSON 404 for unknown URLs and methods.
      const body = json();
      if (r.status !== 404 || !body.ok) return [`${what}: not a documented operation, and not the JSON 404 for one`];
      return validate(pointer("components", "schemas", "Error"), what, body.value);
    }
    const response = op.responses[String(r.status)] ?? op.responses.default;
    if (!response) return [`${what}: status ${r.status} is not documented for ${r.method.toUpperCase()} ${found!.template}`];
    if (r.method.toUpperCase() === "HEAD") return [];
    const [contentType] = Object.keys(response.content ?? {});
    if (!contentType) return r.body === "" ? [] : [`${what}: a body that the document does not describe`];
    if (!r.contentType?.startsWith(contentType)) return [`${what}: Content-Type ${r.contentType} where the document says ${contentType}`];
    if (contentType !== "application/json") return [];
    const body = json();
    if (!body.ok) return [`${what}: the body is not JSON`];
    return validate(pointer("paths", found!.template, r.method.toLowerCase(), "responses", String(r.status) in op.responses ? String(r.status) : "default", "content", contentType, "schema"), what, body.value);
  };
}
