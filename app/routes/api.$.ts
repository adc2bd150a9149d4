import { unclaimedApiPath } from "~/api/route.server";

// Any /api/* path outside /api/v1 (the lean router, app/api/router.server.ts, answers those
// before Remix): the JSON 404 of the API, never the HTML page.
export const loader = unclaimedApiPath;
export const action = unclaimedApiPath;
