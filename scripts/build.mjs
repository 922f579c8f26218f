#!/usr/bin/env node
// `npm run build`: compiles the program (src/, bots/, queues/, the generated Prisma client and the
// demo) into dist/ with esbuild — ES modules for Node, one file per entry point plus shared
// chunks, so a command loads only the code it imports (`import()` stays a split point).
// Dependencies in node_modules stay outside the bundle (imported at run time as usual), zod aside.
// Type checking is `npm run typecheck` (tsc); esbuild only strips the types.
// Run by `npm ci` (postinstall, after the Prisma client is generated), `npm run build`, and the
// test setup (when stale); bin/motcua.js refuses to run a dist/ older than its sources.
// It also writes dist/search-index.json, a snapshot of the search index of the catalog as `seed`
// publishes it (src/catalog/search/snapshot.ts), read at start instead of building the index when
// the database holds that catalog.
import { build } from "esbuild";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { contentHash, distProblem } from "../bin/built.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = path.join(root, "dist");

/** dist/<name>.js ← its source; bin/motcua.js runs `cli`, `npm run demo` runs `demo`, this script `search-snapshot`. */
export const entryPoints = { cli: "src/cli/main.ts", demo: "scripts/demo.ts", "search-snapshot": "src/catalog/search-snapshot-build.ts" };

/**
 * Dependencies stay in node_modules, imported at run time — except zod, which is bundled: it is
 * some 230 small ES modules that every command loads (configuration), pure JavaScript used only by
 * our code, and one file loads faster than 230.
 */
const bundledPackages = /^zod(\/|$)/;
const dependenciesExternal = {
  name: "dependencies-external",
  setup(build) {
    // Bare specifiers ("fastify", "node:fs", "@prisma/client/runtime/client"): relative and absolute paths are our sources.
    build.onResolve({ filter: /^[^./]/ }, (args) => (bundledPackages.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

export async function buildDist({ quiet = false } = {}) {
  const started = Date.now();
  // Built beside dist/ and then put in its place.
  const partial = `${distDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const searchVersion = await searchSourcesVersion();
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([name, file]) => [name, path.join(root, file)])),
    outdir: partial,
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [dependenciesExternal],
    define: { __MOTCUA_SEARCH_VERSION__: JSON.stringify(searchVersion) },
    sourcemap: true,
    metafile: true,
    logLevel: quiet ? "error" : "warning",
  });
  // The search's data tables are checked here and by the unit tests, not at every start: a bad table fails the build.
  await checkSearchTables();
  // The snapshot of the search index, written by the new build itself (so it carries its search version).
  const snapshotStarted = Date.now();
  let snapshot;
  try {
    const { writeSearchSnapshot } = await import(pathToFileURL(path.join(partial, "search-snapshot.js")).href);
    snapshot = `search index snapshot of ${await writeSearchSnapshot(path.join(partial, "search-index.json"))} procedures, ${Date.now() - snapshotStarted} ms`;
  } catch (error) {
    // (the program is whole without it: every start builds the index, as a database of another catalog does)
    snapshot = "no search index snapshot";
    console.warn(`motcua build: no search index snapshot (${error instanceof Error ? error.message : error}); the index is built at each start.`);
  }
  // The sources this build read, with a hash of each: bin/built.js checks that none has changed.
  // (This script counts too: a change to how the program is built calls for a new build.)
  const inputs = Object.fromEntries(
    [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/")), "scripts/build.mjs"].map((f) => [
      f,
      contentHash(readFileSync(path.join(root, f))),
    ]),
  );
  writeFileSync(path.join(partial, "build-info.json"), `${JSON.stringify({ builtAt: started, inputs }, null, 1)}\n`);
  // The old build moves aside and the new one takes its place: two renames, so a process starting
  // in between finds dist/ missing for an instant at most (and says so), never half a build.
  const old = `${distDir}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(distDir)) renameSync(distDir, old);
  try {
    renameSync(partial, distDir);
  } catch (error) {
    // Another build (a second test run in this tree) put its dist/ in place first: keep that one.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(distDir)) throw error;
  }
  rmSync(old, { recursive: true, force: true });
  if (!quiet) console.log(`motcua built in dist/ (${Object.keys(inputs).length} source files; ${snapshot}; ${Date.now() - started} ms)`);
}

/**
 * The search's version: a hash of every source file and data table src/catalog/search/snapshot.ts
 * compiles with (the search itself and the snapshot's reader; found by bundling it, so a file the
 * search comes to import counts too) and of MiniSearch's version. A snapshot is read only by a
 * build of the same version (snapshot.ts), so a change to the search's code or data is never
 * answered from an old snapshot.
 */
async function searchSourcesVersion() {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, "src/catalog/search/snapshot.ts")],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [dependenciesExternal],
    logLevel: "error",
  });
  const files = Object.keys(metafile.inputs).sort();
  const minisearch = JSON.parse(readFileSync(path.join(root, "node_modules/minisearch/package.json"), "utf8")).version;
  return contentHash(Buffer.from(JSON.stringify([`minisearch ${minisearch}`, ...files.map((f) => [f, contentHash(readFileSync(path.join(root, f)))])])));
}

/** Runs src/catalog/search/data.ts checkSearchTables (bundled in memory: this script runs without a TypeScript loader); throws on a bad table. */
async function checkSearchTables() {
  const { outputFiles } = await build({
    absWorkingDir: root,
    stdin: { contents: 'export { checkSearchTables } from "./src/catalog/search/data.ts";', resolveDir: root, loader: "ts", sourcefile: "check-search-tables.ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
  });
  const checker = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString("base64")}`);
  try {
    checker.checkSearchTables();
  } catch (error) {
    throw new Error(`motcua is not built: ${error.message}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --if-stale (the test setup): only when dist/ is missing or older than a source.
  const stale = !process.argv.includes("--if-stale") || Object.keys(entryPoints).some((name) => distProblem(name, root) !== null);
  if (stale) await buildDist({ quiet: process.argv.includes("--quiet") });
}
