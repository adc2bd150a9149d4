import { describe, expect, it } from "vitest";
import { answerHeaders, apiSegments } from "./router.server";

const answer = (headers: Record<string, string>) => ({ status: 200, headers, body: "" });

describe("answerHeaders", () => {
  it("lower-cases the names, sorts them and joins the values of one name in the order given", () => {
    expect(
      answerHeaders(
        answer({ "X-Content-Type-Options": "nosniff", "Content-Type": "application/pdf", vary: "a", "Cache-Control": "private", Vary: "b" }),
      ),
    ).toEqual(["cache-control", "private", "content-type", "application/pdf", "vary", "a, b", "x-content-type-options", "nosniff"]);
  });

  it("gives each answer of a shape seen before its own values", () => {
    const shape = (filename: string, length: string) => ({ "Content-Length": length, "Content-Disposition": `attachment; filename="${filename}"` });
    expect(answerHeaders(answer(shape("a.pdf", "10")))).toEqual(["content-disposition", 'attachment; filename="a.pdf"', "content-length", "10"]);
    expect(answerHeaders(answer(shape("b.pdf", "20")))).toEqual(["content-disposition", 'attachment; filename="b.pdf"', "content-length", "20"]);
  });

  it("answers a plain JSON answer's two headers as written", () => {
    expect(answerHeaders(answer({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" }))).toEqual([
      "cache-control",
      "no-store",
      "content-type",
      "application/json; charset=utf-8",
    ]);
  });

  it("stays right past the shapes it keeps", () => {
    for (let i = 0; i < 100; i++) {
      const name = `X-Extra-${String(i).padStart(3, "0")}`;
      expect(answerHeaders(answer({ [name]: `v${i}`, "Retry-After": String(i), [name.toLowerCase()]: "w" }))).toEqual([
        "retry-after",
        String(i),
        name.toLowerCase(),
        `v${i}, w`,
      ]);
    }
  });
});

describe("apiSegments", () => {
  it("gives the segments after /api/v1, letter case of the prefix aside, trailing slashes dropped", () => {
    expect(apiSegments("/api/v1/customers/cus_1")).toEqual(["customers", "cus_1"]);
    expect(apiSegments("/API/V1/customers/")).toEqual(["customers"]);
    expect(apiSegments("/api/v1")).toEqual([]);
    expect(apiSegments("/api/v2/customers")).toBeNull();
    expect(apiSegments("/portal")).toBeNull();
  });

  it("decodes each segment, keeping an encoded slash as %2F, and keeps an empty segment inside the path", () => {
    expect(apiSegments("/api/v1/customers/cus%5F1")).toEqual(["customers", "cus_1"]);
    expect(apiSegments("/%61pi/v1/customers")).toEqual(["customers"]);
    expect(apiSegments("/api/v1/customers/a%2Fb")).toEqual(["customers", "a%2Fb"]);
    expect(apiSegments("/api/v1//customers")).toEqual(["", "customers"]);
  });

  it("leaves a path it cannot decode as it is", () => {
    expect(apiSegments("/api/v1/customers/%E0%A4%A")).toEqual(["customers", "%E0%A4%A"]);
  });
});
