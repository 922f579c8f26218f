#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx); no build step is needed.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/main.ts");
await runCli(process.argv.slice(2));
// A one-shot command is done once it has answered: Prisma's WebAssembly schema engine leaves a
// 10 s timer behind it (migrate would sit idle that long). `serve` ends on its own, on a signal.
if (process.argv[2] !== "serve") process.exit();
