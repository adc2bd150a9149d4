import { openApiDocument } from "~/api/openapi/document.server";
import { jsonResponse } from "~/api/respond.server";

// Public: the contract is no secret, and client generators fetch it without a key.
export async function loader() {
  return jsonResponse(200, openApiDocument(), { "Cache-Control": "public, max-age=300" });
}
