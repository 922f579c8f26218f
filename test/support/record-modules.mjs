// Module hooks for a child process under test (`node --import ./test/support/record-modules.mjs …`):
// appends the URL of every module the process imports to the file named by MOTCUA_MODULE_LOG, so
// a test can tell what a command loaded (no TypeScript loader, no fastify for a search, …).
import { register } from "node:module";

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from "node:fs";
    let log;
    export function initialize(data) { log = data.log; }
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      appendFileSync(log, result.url + "\\n");
      return result;
    }
  `)}`,
  { data: { log: process.env.MOTCUA_MODULE_LOG } },
);
