/**
 * A snapshot of the built search index, so that a process need not build it again: written beside
 * the build (dist/search-index.json, by scripts/build.mjs from the catalog as `seed` publishes it:
 * src/catalog/search-snapshot-build.ts) and read at the first search instead of building — only
 * when it describes exactly the index a build would make now. Its key is a hash of
 *
 * - the procedures the index is built from, as read from the database and given to
 *   buildSearchIndex (searchKey): a `procedures import` correction, a seed of another catalog,
 *   any row that differs, and the snapshot is not used;
 * - the search's version: a hash of the source files and data tables compiled into this build
 *   (everything src/catalog/search/snapshot.ts imports, MiniSearch's version; scripts/build.mjs).
 *   Run from the sources (tsx, the tests) there is none, and no snapshot is read unless a caller
 *   names one.
 *
 * The file: a line of JSON (format, key, the body's hash), then the body, the index's values
 * (index.ts searchIndexSnapshot) as node:v8 serializes them. A file that is missing, of another
 * key, damaged (its body has a hash of its own) or of another shape is not used: the index is
 * built as without it. Nothing is written at run time.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { projectRoot } from "../../paths.js";
import { buildSearchIndex, indexFromSnapshot, searchIndexSnapshot, type CatalogSearchIndex, type SearchableProcedure, type SearchIndexSnapshot } from "./index.js";

/** The layout of the file; a new one is never read by an older program (nor the reverse). */
const FORMAT = 1;

declare const __MOTCUA_SEARCH_VERSION__: string | undefined;

/** This build's search version (scripts/build.mjs defines it), or null when run from the sources. */
export const compiledSearchVersion: string | null = typeof __MOTCUA_SEARCH_VERSION__ === "string" ? __MOTCUA_SEARCH_VERSION__ : null;

/** Where a snapshot is read from, and the search version it must have been written by. */
export interface SnapshotSource {
  file: string;
  version: string;
}

/** The build's snapshot (dist/search-index.json), when this is a build (none with MOTCUA_SEARCH_SNAPSHOT=off: bench:startup times both). */
export function builtSnapshot(): SnapshotSource | null {
  if (compiledSearchVersion === null || process.env.MOTCUA_SEARCH_SNAPSHOT === "off") return null;
  return { file: path.join(projectRoot, "dist", "search-index.json"), version: compiledSearchVersion };
}

/** The key of an index of these procedures (in this order) built by this search version. */
export function snapshotKey(procedures: readonly SearchableProcedure[], version: string): string {
  const rows = procedures.map((p) => [p.code, p.name, p.field ?? null, p.aliases, p.documentNames, p.origin ?? null]);
  return createHash("sha256").update(`motcua search index ${FORMAT}\n${version}\n${JSON.stringify(rows)}`).digest("hex");
}

/** Builds the index of these procedures and writes its snapshot to `file` (whole or not at all: written beside it, then renamed). */
export function writeSnapshot(procedures: readonly SearchableProcedure[], source: SnapshotSource): CatalogSearchIndex {
  const index = buildSearchIndex(procedures);
  const body = v8.serialize(searchIndexSnapshot(index));
  const header = JSON.stringify({ format: FORMAT, key: snapshotKey(procedures, source.version), body: sha256(body) });
  const partial = `${source.file}.partial-${process.pid}`;
  writeFileSync(partial, Buffer.concat([Buffer.from(`${header}\n`), body]));
  renameSync(partial, source.file);
  return index;
}

/** The index the snapshot describes, or why it is not used (then build it: searchIndexOf). */
export function readSnapshot(procedures: readonly SearchableProcedure[], source: SnapshotSource): { index: CatalogSearchIndex } | { index: null; reason: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(source.file);
  } catch {
    return { index: null, reason: "no snapshot" };
  }
  try {
    const newline = bytes.indexOf(10);
    if (newline < 0) return { index: null, reason: "damaged (no header)" };
    const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as { format?: unknown; key?: unknown; body?: unknown } | null;
    if (header?.format !== FORMAT) return { index: null, reason: "another format" };
    if (header.key !== snapshotKey(procedures, source.version)) return { index: null, reason: "another catalog or search version" };
    const body = bytes.subarray(newline + 1);
    if (header.body !== sha256(body)) return { index: null, reason: "damaged (its body does not match its hash)" };
    return { index: indexFromSnapshot(procedures, v8.deserialize(body) as SearchIndexSnapshot) };
  } catch (error) {
    return { index: null, reason: `unreadable (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The search index of these procedures: read from the snapshot when it is theirs, else built. */
export function searchIndexOf(procedures: readonly SearchableProcedure[], source: SnapshotSource | null): CatalogSearchIndex {
  return (source === null ? null : readSnapshot(procedures, source).index) ?? buildSearchIndex(procedures);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
