#!/usr/bin/env node
// `npm run demo`: the compiled demo (dist/demo.js, from scripts/demo.ts), no TypeScript loader.
import { importBuilt } from "./built.js";

await importBuilt("demo");
