import { z } from "zod";

/** `limit` and `starting_after`, shared by every list endpoint's query schema. */
const LIMIT_RANGE = "must be a whole number from 1 to 100";

export const listParams = {
  limit: z.coerce.number({ error: LIMIT_RANGE }).int(LIMIT_RANGE).min(1, LIMIT_RANGE).max(100, LIMIT_RANGE).default(20),
  starting_after: z.string().min(1).max(100).optional(),
};
