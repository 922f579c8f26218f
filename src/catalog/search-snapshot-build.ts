/**
 * Writes the search index's snapshot (search/snapshot.ts) into a build: scripts/build.mjs compiles
 * this into dist/search-snapshot.js and runs it on the new build, so the snapshot carries that
 * build's search version. It is made of the catalog as `seed` publishes it, which is what a
 * seeded database gives the search; a database that gives anything else (a corrected procedure,
 * another catalog) builds its index as before.
 */
import { searchableProcedure } from "./catalog-service.js";
import type { SearchableProcedure } from "./search/index.js";
import { compiledSearchVersion, writeSnapshot } from "./search/snapshot.js";
import { readCatalogSources } from "./source.js";

/**
 * What the search of a freshly seeded database is built from: the records that pass their checks
 * (none withdrawn), each as the database stores it and the repository reads it back, in the
 * repository's order (ORDER BY code: national codes, "1.000080", sort alike by byte and by any
 * collation). A test holds it equal to what the repositories read after `seed`.
 */
export async function seededSearchInput(): Promise<SearchableProcedure[]> {
  const { accepted } = await readCatalogSources();
  return [...accepted].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map(searchableProcedure);
}

/** Writes the snapshot to `file`; returns how many procedures it holds. */
export async function writeSearchSnapshot(file: string): Promise<number> {
  if (compiledSearchVersion === null) throw new Error("writeSearchSnapshot runs in a build only (scripts/build.mjs defines the search version)");
  const procedures = await seededSearchInput();
  writeSnapshot(procedures, { file, version: compiledSearchVersion });
  return procedures.length;
}
