#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx); no build step is needed.
import { register } from "tsx/esm/api";

register();
const { runCli } = await import("../src/cli/main.ts");
await runCli(process.argv.slice(2));
