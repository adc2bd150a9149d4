import { afterAll } from "vitest";
import { removeTempDirs, tempDbFile } from "./own-database";

// A test file that loads the database module without choosing a file (it imports a model for a
// constant, or a route module) would otherwise open and migrate data/portico.db, the quick
// start's database in the working copy. It gets a fresh file of its own instead; useOwnDatabase
// and the test servers set DATABASE_PATH themselves.
process.env.DATABASE_PATH ??= tempDbFile("default");

// Every temp directory the file made (its databases, the servers' and the CLIs', its PDFs) goes
// when the file ends: this hook was registered first, so it runs after the file's own.
afterAll(removeTempDirs);
