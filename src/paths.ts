import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is src/paths.ts). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
