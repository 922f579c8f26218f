#!/usr/bin/env node
// Runs the compiled program (dist/cli.js, built by `npm run build` and by `npm ci`): plain Node,
// no TypeScript loader at run time.
import { importBuilt } from "./built.js";

const { runCli } = await importBuilt("cli");
await runCli(process.argv.slice(2));
// A one-shot command is done once it has answered: Prisma's WebAssembly schema engine leaves a
// 10 s timer behind it (migrate would sit idle that long). `serve` ends on its own, on a signal.
if (process.argv[2] !== "serve") process.exit();
