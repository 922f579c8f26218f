/**
 * Start-up of the compiled program (dist/), as a user meets it — every figure is a child process
 * timed from spawn, on a database of its own (`motcua_bench_startup_<random>`, migrated and
 * seeded, dropped at the end):
 *
 * - `motcua procedures search "<question>"`: the first run right after a fresh `npm run build`
 *   (what the first run on a new clone pays once `npm ci` has built it: the build's snapshot of the
 *   search index, dist/search-index.json, is all the program keeps between runs), then the median
 *   of 5 more runs, and the median of 3 without the snapshot (MOTCUA_SEARCH_SNAPSHOT=off: the
 *   index built, as a database of another catalog than the seed's has it).
 * - the same search through `npx motcua` (the README's form), which adds npm's own start, median of 5.
 * - `motcua serve --role all`: from spawn to the first 200 answer of /readyz, median of 3.
 *
 * Options: `--clone` also times the first search in a fresh `git clone` of this repository after
 * its own `npm ci` (about a minute more), directly and then through npx; `--profile` writes a `--cpu-prof` profile of one search
 * and of one start of the service and prints where their CPU time goes.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { projectRoot } from "../../src/paths.js";
import { benchRedisUrl, freePort, line, percentile, throwawayBenchDatabase } from "./support.js";

/** The services' Redis keys of this run (queues, limits), deleted at the end. */
const redisPrefix = `benchstartup${randomBytes(4).toString("hex")}`;
const QUESTION = "làm giấy khai sinh cho con cần gì";
const SEARCH_TARGET_S = 1.5;
const READY_TARGET_S = 5;
const args = new Set(process.argv.slice(2));

/** GNU time, when the machine has it: the child's CPU time (user + system) beside its wall time. */
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const cpuFile = path.join(tmpdir(), `motcua-bench-startup-${process.pid}.cpu`);

interface Timing {
  wall: number;
  /** CPU seconds (user + system) of the child; NaN without /usr/bin/time. */
  cpu: number;
}

/** Runs `node <argv>` (or another program) to its end, timed from spawn (throws on a non-zero exit). */
async function timed(argv: string[], env: NodeJS.ProcessEnv, cwd = projectRoot, program = process.execPath): Promise<Timing> {
  const [command, args] = gnuTime ? [gnuTime, ["-f", "%U %S", "-o", cpuFile, program, ...argv]] : [program, argv];
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${argv.slice(-3).join(" ")} exited with ${code}: ${stderr.trim()}`);
  const cpu = gnuTime ? readFileSync(cpuFile, "utf8").trim().split(/\s+/).map(Number).reduce((a, b) => a + b, 0) : NaN;
  return { wall, cpu };
}

const shown = (t: Timing) => `${t.wall.toFixed(2)} s${Number.isNaN(t.cpu) ? "" : ` (CPU ${t.cpu.toFixed(2)})`}`;

/** Starts `serve --role all`, returns the seconds from spawn to the first 200 of /readyz, stops it. */
async function timeReady(env: NodeJS.ProcessEnv, node: string[] = [], lingerMs = 0): Promise<number> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...node, path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "all"], {
    cwd: projectRoot,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1", PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, QUEUE_PREFIX: redisPrefix },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve --role all exited with ${child.exitCode}: ${stderr.trim()}`);
      const answer = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      if (answer?.status === 200) {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        // /readyz answers once the API listens; the worker role starts (and the signal handlers are
        // set) just after: a profiled run waits for them, so SIGTERM ends it cleanly and writes its profile.
        if (lingerMs) await new Promise((r) => setTimeout(r, lingerMs));
        return seconds;
      }
      if (Number(process.hrtime.bigint() - started) > 60e9) throw new Error("serve --role all was not ready within 60 s");
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    child.kill("SIGTERM");
    await exited;
  }
}

/** CPU self time of a `--cpu-prof` profile, by package (node_modules), file of ours, or V8 bucket. */
function profileBreakdown(file: string, top = 12): string[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: { id: number; callFrame: { url: string; functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byKey = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { url, functionName } = nodes.get(id)!.callFrame;
    const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
    const key = pkg ?? (url.startsWith("wasm://") ? "WebAssembly (Prisma's query compiler)" : url ? url.replace(`file://${projectRoot}/`, "") : `(${functionName || "native"})`);
    byKey.set(key, (byKey.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  // Our bundle's chunks are named by hash: name them by the first source file esbuild put in them.
  const label = (key: string) => {
    if (!key.startsWith("dist/")) return key;
    try {
      const first = readFileSync(path.join(projectRoot, key), "utf8").match(/^\/\/ (\S+)$/m)?.[1];
      return first ? `${key} (${first}…)` : key;
    } catch {
      return key;
    }
  };
  const total = [...byKey.values()].reduce((a, b) => a + b, 0);
  return [
    `  profile ${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled`,
    ...[...byKey]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => `  ${`${(us / 1000).toFixed(0)} ms`.padStart(9)}  ${label(key)}`),
  ];
}

function median(values: number[]): number {
  return percentile(values, 50);
}

const results: string[] = [];
console.log(
  `bench:startup — the compiled CLI and service, each a child process timed from spawn; wall time (and CPU time, user + system). ` +
    `Load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} cores: the wall times depend on it.`,
);
execFileSync(process.execPath, [path.join(projectRoot, "scripts", "build.mjs"), "--quiet"], { stdio: "inherit" });
const database = await throwawayBenchDatabase("motcua_bench_startup");
try {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, REDIS_URL: benchRedisUrl, LOG_LEVEL: "error" };
  const search = (cwd = projectRoot) => timed([path.join(cwd, "bin", "motcua.js"), "procedures", "search", QUESTION], env, cwd);

  const first = await search();
  const later: Timing[] = [];
  for (let i = 0; i < 5; i += 1) later.push(await search());
  const mid = { wall: median(later.map((t) => t.wall)), cpu: median(later.map((t) => t.cpu)) };
  results.push(line("search: first run after a fresh build", shown(first), `≤ ${SEARCH_TARGET_S} s`, first.wall <= SEARCH_TARGET_S));
  results.push(line("search: median of 5 more", shown(mid), `≤ ${SEARCH_TARGET_S} s`, mid.wall <= SEARCH_TARGET_S));
  results.push(line("  each run", later.map((t) => t.wall.toFixed(2)).join(" / ")));
  const built: Timing[] = [];
  for (let i = 0; i < 3; i += 1) built.push(await timed([path.join(projectRoot, "bin", "motcua.js"), "procedures", "search", QUESTION], { ...env, MOTCUA_SEARCH_SNAPSHOT: "off" }));
  results.push(line("search, no index snapshot, median of 3", shown({ wall: median(built.map((t) => t.wall)), cpu: median(built.map((t) => t.cpu)) })));
  // The README's `npx motcua …` adds npm's own start (npx finds the launcher in node_modules/.bin, then runs it).
  const viaNpx: Timing[] = [];
  for (let i = 0; i < 5; i += 1) viaNpx.push(await timed(["motcua", "procedures", "search", QUESTION], env, projectRoot, "npx"));
  const npxMid = { wall: median(viaNpx.map((t) => t.wall)), cpu: median(viaNpx.map((t) => t.cpu)) };
  results.push(line("search through npx motcua, median of 5", shown(npxMid), `≤ ${SEARCH_TARGET_S} s`, npxMid.wall <= SEARCH_TARGET_S));

  if (args.has("--clone")) {
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-clone-"));
    try {
      execFileSync("git", ["clone", "--quiet", projectRoot, dir], { stdio: "inherit" });
      const installed = process.hrtime.bigint();
      execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
      const install = Number(process.hrtime.bigint() - installed) / 1e9;
      const cloned = await search(dir);
      results.push(line("search: first run on a new clone", shown(cloned), `≤ ${SEARCH_TARGET_S} s`, cloned.wall <= SEARCH_TARGET_S));
      const clonedNpx = await timed(["motcua", "procedures", "search", QUESTION], env, dir, "npx");
      results.push(line("  then its first through npx motcua", shown(clonedNpx), `≤ ${SEARCH_TARGET_S} s`, clonedNpx.wall <= SEARCH_TARGET_S));
      results.push(line("  (its npm ci, which builds dist/)", `${install.toFixed(0)} s`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const ready: number[] = [];
  // Each run is left a second to finish starting (untimed), so SIGTERM stops it cleanly.
  for (let i = 0; i < 3; i += 1) ready.push(await timeReady(env, [], 1000));
  results.push(line("serve --role all: spawn to /readyz 200, median of 3", `${median(ready).toFixed(2)} s`, `≤ ${READY_TARGET_S} s`, median(ready) <= READY_TARGET_S));
  results.push(line("  each run", ready.map((s) => s.toFixed(2)).join(" / ")));

  if (args.has("--profile")) {
    const dir = mkdtempSync(path.join(tmpdir(), "motcua-startup-prof-"));
    const prof = ["--cpu-prof", `--cpu-prof-dir=${dir}`];
    await timed([...prof, path.join(projectRoot, "bin", "motcua.js"), "procedures", "search", QUESTION], env);
    await timeReady(env, prof, 3000);
    results.push("", "Where the CPU time goes (self time; dist/ chunks named by their first source file):");
    const files = readdirSync(dir).sort(); // named by time: the search first, then the service
    files.forEach((f, i) => results.push(i === 0 ? "procedures search:" : "serve --role all (to ready, then its shutdown):", ...profileBreakdown(path.join(dir, f))));
    results.push(`  profiles kept in ${dir} (open them in Chrome DevTools › Performance)`);
  }
} finally {
  rmSync(cpuFile, { force: true });
  await database.drop();
  const redis = new Redis(benchRedisUrl);
  for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 500 }) as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys);
  redis.disconnect();
}
console.log(results.join("\n"));
