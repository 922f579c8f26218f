// Loads a compiled entry point from dist/ (`npm run build`, which `npm ci` runs): plain Node, no
// TypeScript loader. Refuses, in one sentence, to run a dist/ that is missing or older than the
// sources it was built from (never old code silently). dist/build-info.json lists those sources
// with a hash of each; only a file modified since the build is read again and compared, so a
// touched but unchanged file (a regenerated Prisma client, say) does not count as a change.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Why dist/ cannot be run (missing, or a source is newer than the build), or null when it can. */
export function distProblem(name, packageRoot = root) {
  const dist = path.join(packageRoot, "dist");
  const infoFile = path.join(dist, "build-info.json");
  if (!existsSync(path.join(dist, `${name}.js`)) || !existsSync(infoFile)) {
    return "motcua is not built (dist/ is missing): run `npm run build` (npm ci runs it).";
  }
  let info;
  try {
    info = JSON.parse(readFileSync(infoFile, "utf8"));
  } catch {
    return "dist/build-info.json is unreadable: run `npm run build`.";
  }
  for (const [file, hash] of Object.entries(info.inputs ?? {})) {
    const full = path.join(packageRoot, file);
    let mtime;
    try {
      mtime = statSync(full).mtimeMs;
    } catch {
      continue; // a deployment may ship dist/ without the sources
    }
    if (mtime > info.builtAt && contentHash(readFileSync(full)) !== hash) {
      return `dist/ is older than ${file}: run \`npm run build\` to compile the changed sources.`;
    }
  }
  return null;
}

/** The hash build-info.json keeps of a source file. */
export function contentHash(bytes) {
  return createHash("sha256").update(bytes).digest("hex").slice(0, 16);
}

/** Imports dist/<name>.js, or ends the process with the reason it cannot. */
export async function importBuilt(name) {
  const problem = distProblem(name);
  if (problem) {
    console.error(problem);
    process.exit(70);
  }
  return import(pathToFileURL(path.join(root, "dist", `${name}.js`)).href);
}
