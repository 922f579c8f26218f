/** Shared pieces of the benchmarks: a database of their own, timing, memory sampling. */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import pg from "pg";
import { ensureDatabase } from "../../src/db/bootstrap.js";
import { applyMigrations } from "../../src/db/migrations.js";
import { createDatabase } from "../../src/db/client.js";
import { seedAll } from "../../src/seed/seed.js";

export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/motcua_bench";
export const benchRedisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/12";

/** A fresh, migrated, seeded database for one benchmark run. */
export async function freshBenchDatabase(): Promise<string> {
  const url = new URL(benchDatabaseUrl);
  const name = url.pathname.slice(1);
  const admin = new URL(benchDatabaseUrl);
  admin.pathname = "/postgres";
  await ensureDatabase(admin.toString());
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
  await ensureDatabase(benchDatabaseUrl);
  await applyMigrations(benchDatabaseUrl);
  const database = createDatabase(benchDatabaseUrl);
  await seedAll(database.db, database.pool);
  await database.close();
  return benchDatabaseUrl;
}

export interface BenchDatabase {
  url: string;
  name: string;
  /** Drops it (once; later calls do nothing). */
  drop(): Promise<void>;
}

/**
 * A database of one run's own (`motcua_bench_<random>`, or `<prefix>_<random>`, on the server of BENCH_DATABASE_URL),
 * created, migrated and seeded with the administrative units; the caller drops it at the end.
 * Only that name is ever dropped: no other database is touched.
 */
export async function throwawayBenchDatabase(prefix = "motcua_bench"): Promise<BenchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const url = new URL(benchDatabaseUrl);
  url.pathname = `/${name}`;
  const admin = new URL(benchDatabaseUrl);
  admin.pathname = "/postgres";
  await ensureDatabase(admin.toString()); // one clear sentence when PostgreSQL is missing
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  try {
    await applyMigrations(url.toString());
    const database = createDatabase(url.toString());
    try {
      await seedAll(database.db, database.pool);
    } finally {
      await database.close();
    }
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { url: url.toString(), name, drop };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Peak resident memory of a process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const hwm = status.match(/VmHWM:\s+(\d+) kB/);
    return hwm ? Number(hwm[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function line(label: string, value: string, target?: string, ok?: boolean): string {
  return `${label.padEnd(46)} ${value.padStart(14)}${target ? `   target ${target}${ok === undefined ? "" : ok ? "  ✓" : "  ✗ MISSED"}` : ""}`;
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU used from now on by the given worker processes (and by their main threads alone), by
 * PostgreSQL and by Redis (whole server).
 */
export function cpuMeter(workerPids: number[]) {
  const sample = () => {
    const postgres = pidsNamed("postgres");
    const redis = pidsNamed("redis-server");
    return {
      worker: new Map(workerPids.map((p) => [p, cpuSeconds(p)])),
      workerMain: new Map(workerPids.map((p) => [p, threadCpuSeconds(p, p)])),
      postgres: new Map(postgres.map((p) => [p, cpuSeconds(p)])),
      redis: new Map(redis.map((p) => [p, cpuSeconds(p)])),
    };
  };
  const start = sample();
  const used = (now: Map<number, number>, then: Map<number, number>) => [...now].reduce((sum, [pid, s]) => sum + s - (then.get(pid) ?? 0), 0);
  let end: ReturnType<typeof sample> | undefined;
  const us = (s: number, items: number) => `${Math.round((s / items) * 1e6)}`;
  return {
    /** "worker µs / postgres µs / redis µs" per item (sampled now: `workerThreads` reports over the same span). */
    perItem(items: number): string {
      end = sample();
      return `${us(used(end.worker, start.worker), items)} / ${us(used(end.postgres, start.postgres), items)} / ${us(used(end.redis, start.redis), items)} µs`;
    },
    /**
     * The workers' CPU per item split into their main threads and their other threads (V8's
     * optimizing compiler and garbage collector, libuv's pool), "main µs / other µs", over the
     * span `perItem` measured (called after it).
     */
    workerThreads(items: number): string {
      end ??= sample();
      const all = used(end.worker, start.worker);
      const main = used(end.workerMain, start.workerMain);
      return `${us(main, items)} / ${us(all - main, items)} µs`;
    },
  };
}

/** The running totals a worker preloaded with scripts/bench/count-calls.mjs writes to its file. */
export function readCallCounts(file: string): { sql: number; redis: number; peak?: { rss: number; heapTotal: number; heapUsed: number; external: number }; at?: number } {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { sql: number; redis: number; at?: number };
  } catch {
    return { sql: 0, redis: 0 };
  }
}

/** SQL statements and Redis commands per item sent by the given workers from now on (count-calls.mjs files). */
export function callMeter(files: string[]) {
  const sum = () => files.map(readCallCounts).reduce((a, c) => ({ sql: a.sql + c.sql, redis: a.redis + c.redis }), { sql: 0, redis: 0 });
  const start = sum();
  return {
    /** "SQL / Redis" per item (read after the workers exited, so their last counts are written). */
    perItem(items: number): string {
      const end = sum();
      return `${((end.sql - start.sql) / items).toFixed(2)} / ${((end.redis - start.redis) / items).toFixed(2)}`;
    },
  };
}

/**
 * CPU used from now on by the PostgreSQL backends serving one database (pg_stat_activity, sampled
 * every 250 ms so a backend that ends meanwhile still counts up to its last sample). Unlike the
 * whole server's figure it leaves out other databases on a shared server; a backend's work before
 * it was first seen, and after its last sample, is not counted.
 */
export function databaseCpuMeter(pool: pg.Pool, database: string) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sampleOnce = async () => {
    const rows = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]).catch(() => ({ rows: [] }));
    for (const { pid } of rows.rows) {
      const s = cpuSeconds(pid);
      if (s === 0) continue;
      if (!first.has(pid)) first.set(pid, s);
      last.set(pid, s);
    }
  };
  let sampling = sampleOnce();
  const timer = setInterval(() => (sampling = sampling.then(sampleOnce)), 250);
  return {
    /** µs per item, sampled once more now. */
    async perItem(items: number): Promise<string> {
      clearInterval(timer);
      await sampling;
      await sampleOnce();
      const used = [...last].reduce((sum, [pid, s]) => sum + s - first.get(pid)!, 0);
      return `${Math.round((used / items) * 1e6)} µs`;
    },
  };
}

/**
 * CPU used from now on by the API's process (`pid`) and by the PostgreSQL backends of its database,
 * sampled at the start and at the end only (one statement each): "api / postgres µs" per item. A
 * backend that ends meanwhile is missed; the ingest's pool keeps its connections while busy.
 */
export async function ingestCpuMeter(pool: pg.Pool, pids: number[]): Promise<{ perItem(items: number): Promise<{ cpu: string; apiThreads: string }> }> {
  // Client backends only (autovacuum works on the tables the ingest fills, on its own schedule).
  // The backend answering this (the bench's own, not the API's) is counted too: its two statements are nothing beside the part.
  const backends = async () =>
    (await pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")).rows.map((r) => r.pid);
  // Several API processes (a cluster primary and its API processes): their sums.
  const apiCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const mainCpu = () => pids.reduce((sum, pid) => sum + threadCpuSeconds(pid, pid), 0);
  const self = apiCpu();
  const mainSelf = mainCpu();
  const start = new Map((await backends()).map((pid) => [pid, cpuSeconds(pid)]));
  return {
    async perItem(items: number) {
      const api = apiCpu() - self;
      const main = mainCpu() - mainSelf;
      const postgres = (await backends()).reduce((sum, pid) => sum + cpuSeconds(pid) - (start.get(pid) ?? 0), 0);
      const us = (s: number) => `${Math.round((s / items) * 1e6)}`;
      return { cpu: `${us(api)} / ${us(postgres)} µs`, apiThreads: `${us(main)} / ${us(api - main)} µs` };
    },
  };
}

/** The CPU time of one thread (`tid`) of a process, in seconds (0 once it has ended). */
function threadCpuSeconds(pid: number, tid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The processes whose parent is `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) found.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/** A port free on 127.0.0.1 now (for a child process to listen on). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
