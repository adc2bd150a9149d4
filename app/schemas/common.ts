import { z } from "zod";

/** `limit` and `starting_after`, shared by every list endpoint's query schema. */
export const listParams = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().min(1).max(100).optional(),
};
