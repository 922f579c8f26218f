#!/usr/bin/env node
// Builds the staff console's and public pages' browser assets with esbuild:
// web/assets/*.ts and *.css → public/assets/ (minified, with a source map); *.svg (the pages'
// icon, favicon.svg) copied as they are. Run by `npm ci`
// (postinstall), `npm run build:web`, the demo and the test setup; the server serves the result.
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function buildWebAssets({ quiet = false } = {}) {
  const dir = path.join(root, "web", "assets");
  const entries = readdirSync(dir)
    .filter((f) => /^[a-z0-9-]+\.(ts|css|svg)$/.test(f))
    .map((f) => path.join(dir, f));
  await build({
    entryPoints: entries,
    outdir: path.join(root, "public", "assets"),
    bundle: true,
    minify: true,
    sourcemap: true,
    target: ["es2020", "safari14"],
    format: "iife",
    loader: { ".svg": "copy" },
    logLevel: quiet ? "error" : "warning",
  });
  if (!quiet) console.log(`web assets built in public/assets (${entries.length} entries)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWebAssets();
}
