/** `npm run bench`: every benchmark, one after the other, each printing its figures. */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../../src/paths.js";

let failed = false;
for (const bench of ["search.ts", "notify.ts", "bot.ts"]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "bench", bench)], { stdio: "inherit", cwd: projectRoot });
  if (run.status !== 0) failed = true;
  console.log("");
}
process.exit(failed ? 1 : 0);
