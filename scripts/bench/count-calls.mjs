/**
 * Preloaded into a benchmark's worker and API processes (`node --import ./scripts/bench/count-calls.mjs`):
 * counts the SQL statements it sends to PostgreSQL (every `pg` client: the pool, Prisma's
 * adapter, the relay's LISTEN connection) and the commands it sends to Redis (ioredis; a Lua
 * script is one command), and the peaks of its memory (RSS, V8 heap committed and used, and
 * memory outside the heap, in MB, sampled every 500 ms), and writes them to the file named by
 * BENCH_COUNT_FILE every second and on exit, as JSON `{"sql":n,"redis":n,"peak":{…},"at":ms}` (`at`:
 * when it was written, Date.now(); no peaks sampled with BENCH_COUNT_MEMORY=off). Bench
 * code only: the service never loads it.
 */
import cluster from "node:cluster";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// An API process forked by a cluster primary (API_PROCESSES > 1) writes a file of its own beside
// the primary's: `<file>.<its cluster id>`.
const file = process.env.BENCH_COUNT_FILE && (cluster.isWorker ? `${process.env.BENCH_COUNT_FILE}.${cluster.worker.id}` : process.env.BENCH_COUNT_FILE);
if (file) {
  // The packages as the service resolves them (the same module objects, so the patch is seen).
  const require = createRequire(path.join(process.cwd(), "package.json"));
  const counts = { sql: 0, redis: 0, peak: { rss: 0, heapTotal: 0, heapUsed: 0, external: 0 } };
  // BENCH_COUNT_MEMORY=off: no memory sampling (the API process, whose CPU per event is measured).
  if (process.env.BENCH_COUNT_MEMORY !== "off") {
    setInterval(() => {
      const m = process.memoryUsage();
      for (const k of Object.keys(counts.peak)) counts.peak[k] = Math.max(counts.peak[k], Math.round(m[k] / 1048576));
    }, 500).unref();
  }
  const pg = require("pg");
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    counts.sql += 1;
    return query.apply(this, args);
  };
  const ioredis = require("ioredis");
  const Redis = ioredis.Redis ?? ioredis.default ?? ioredis;
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (...args) {
    counts.redis += 1;
    return sendCommand.apply(this, args);
  };
  const write = () => {
    try {
      writeFileSync(file, JSON.stringify({ ...counts, at: Date.now() }));
    } catch {
      // the bench reads the last complete write
    }
  };
  setInterval(write, 1000).unref();
  process.on("exit", write);
}
