import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root: the nearest folder above this module that holds package.json. The same
 * folder whether this runs from the sources (src/paths.ts) or from the build (dist/chunks/*.js),
 * so prisma/ (migrations, seed data), web/views and public/assets are found from either.
 */
export const projectRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`motcua: no package.json above ${from}`);
  }
}
