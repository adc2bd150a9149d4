import { pathUnder } from "~/utils/redirects.server";

/** A redirect target taken from input, as a same-origin path under `/portal`, or `fallback`. */
export const portalPath = (value: unknown, fallback = "/portal") => pathUnder("/portal", value, fallback);
