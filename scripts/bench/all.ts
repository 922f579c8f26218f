/** `npm run bench`: every benchmark, one after the other, each printing its figures (the ones that
 * run the CLI or the service spawn the compiled program: dist/ is rebuilt first when a source changed). */
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../../src/paths.js";

execFileSync(process.execPath, [path.join(projectRoot, "scripts", "build.mjs"), "--if-stale", "--quiet"], { stdio: "inherit" });
let failed = false;
for (const bench of ["search.ts", "startup.ts", "notify.ts", "bot.ts"]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(projectRoot, "scripts", "bench", bench)], { stdio: "inherit", cwd: projectRoot });
  if (run.status !== 0) failed = true;
  console.log("");
}
process.exit(failed ? 1 : 0);
