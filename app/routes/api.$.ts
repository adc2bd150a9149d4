import { publicApiRoute } from "~/api/route.server";

// Any /api/* path no route claims: the JSON 404 of the API, never the HTML page.
const route = publicApiRoute({});

export const loader = route;
export const action = route;
