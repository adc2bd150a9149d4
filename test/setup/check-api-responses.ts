import { afterEach, expect } from "vitest";
import { conformanceChecker } from "./openapi-conformance";

/**
 * Every response an HTTP test receives from `/api/v1/…` is held against the OpenAPI document
 * that same server serves (see openapi-conformance.ts). A mismatch fails the test that received
 * it, so a serializer change the document does not follow cannot pass unnoticed.
 */

const API = "/api/v1/";
const DOCUMENT = "/api/v1/openapi.json";
const realFetch = globalThis.fetch;
const checkers = new Map<string, Promise<ReturnType<typeof conformanceChecker>>>();
const mismatches: string[] = [];

function checkerFor(origin: string) {
  let checker = checkers.get(origin);
  if (!checker) {
    checker = realFetch(`${origin}${DOCUMENT}`)
      .then((res) => res.json())
      .then(conformanceChecker);
    checkers.set(origin, checker);
  }
  return checker;
}

globalThis.fetch = async function fetchChecked(input: string | URL | Request, init?: RequestInit) {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!url.pathname.startsWith(API) || url.pathname === DOCUMENT) return response;
  const method = init?.method ?? (input instanceof Request ? input.method : "GET");
  const body = await response.clone().text();
  // A server that went away before its document was read (a test killing it) leaves nothing to check.
  const check = await checkerFor(url.origin).catch(() => {
    checkers.delete(url.origin);
    return null;
  });
  if (!check) return response;
  mismatches.push(
    ...check({ method, path: url.pathname, status: response.status, contentType: response.headers.get("content-type"), body }),
  );
  return response;
} as typeof fetch;

afterEach(() => {
  const found = mismatches.splice(0);
  expect(found, "API responses that the served OpenAPI document does not describe").toEqual([]);
});
