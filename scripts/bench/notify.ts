/**
 * `npm run bench:notify`: the notification pipeline against the fake providers on this machine.
 *
 *   1. Ingest: single events (20 concurrent clients) and batches of 1,000, events/s.
 *   2. End to end, rate limits off: N events → N notices delivered to the fake Telegram, notices/s.
 *   3. Latency at a steady 100 events/s: event accepted (202) → provider called, p50/p95.
 *   4. Peak RSS of the worker process.
 *   5. The ceiling, in the same run: bare BullMQ no-op jobs/s with the same concurrency; the ratio.
 *
 * The API and the worker run as processes of their own (`motcua serve --role api`, `--role
 * worker`), from the compiled program (dist/, built first by `npm run bench:notify` when stale),
 * as in production.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { createAppContext } from "../../src/app/context.js";
import { parseEnv } from "../../src/config/env.js";
import { createLogger } from "../../src/logging/logger.js";
import { projectRoot } from "../../src/paths.js";
import { TelegramFake } from "../../test/fakes/telegram-fake.js";
import { benchDatabaseUrl, benchRedisUrl, callMeter, childPids, cpuMeter, databaseCpuMeter, freePort, freshBenchDatabase, ingestCpuMeter, line, peakRssMb, percentile, readCallCounts } from "./support.js";

const E2E_NOTICES = Number(process.env.BENCH_NOTICES ?? 15_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
/** Worker processes (BullMQ scales out: one per core is the usual deployment). */
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);

/**
 * BENCH_WORKER_WARM=n: n notices delivered by the end-to-end worker before its measured part (0 by
 * default: it is measured from its start, V8 still compiling its hot paths — see the line "the
 * worker's main thread / its other threads"). A worker long in service is warm.
 */
const WORKER_WARM = Number(process.env.BENCH_WORKER_WARM ?? 0);
if (!Number.isInteger(WORKER_WARM) || WORKER_WARM < 0) throw new Error(`BENCH_WORKER_WARM must be a whole number (got "${process.env.BENCH_WORKER_WARM}")`);

/** BENCH_API_PROCESSES: the API's API_PROCESSES (1: one process, as by default in service). */
const API_PROCESSES = Number(process.env.BENCH_API_PROCESSES ?? 1);
if (!Number.isInteger(API_PROCESSES) || API_PROCESSES < 1 || API_PROCESSES > 32) throw new Error(`BENCH_API_PROCESSES must be a whole number from 1 to 32 (got "${process.env.BENCH_API_PROCESSES}")`);
const apiProcessesLine = `API: ${API_PROCESSES} ${API_PROCESSES === 1 ? "process" : "processes"} (API_PROCESSES=${API_PROCESSES})`;
const say = (text: string) => console.log(text);

async function main(): Promise<void> {
  say(`preparing a fresh database (${new URL(benchDatabaseUrl).pathname.slice(1)}), Redis db ${new URL(benchRedisUrl).pathname.slice(1) || "0"} and the fake Telegram…`);
  const databaseUrl = await freshBenchDatabase();
  // BENCH_AUTO_EXPLAIN_MS=n: every statement of this database slower than n ms is written to the
  // PostgreSQL server's log with its plan, times and buffers (auto_explain, per session; superuser).
  if (process.env.BENCH_AUTO_EXPLAIN_MS) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const db = `"${new URL(databaseUrl).pathname.slice(1)}"`;
    for (const setting of [
      "session_preload_libraries = 'auto_explain'",
      `auto_explain.log_min_duration = ${Number(process.env.BENCH_AUTO_EXPLAIN_MS)}`,
      "auto_explain.log_analyze = on",
      "auto_explain.log_buffers = on",
      "auto_explain.log_wal = on",
      "auto_explain.log_nested_statements = on",
    ])
      await admin.query(`ALTER DATABASE ${db} SET ${setting}`);
    await admin.end();
  }
  const redis = new Redis(benchRedisUrl);
  await redis.flushdb();
  const telegram = new TelegramFake();
  await telegram.start();
  const prefix = `bench${randomBytes(3).toString("hex")}`;
  const envVars = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: benchRedisUrl,
    ...telegram.env(),
    QUEUE_PREFIX: prefix,
    RATE_LIMITS: "off",
    QUIET_HOURS: "off",
    WORKER_CONCURRENCY: String(CONCURRENCY),
    DATABASE_POOL_SIZE: "40",
    LOG_LEVEL: "error",
    PORT: "0",
  };
  // This process's own connections and services (the bench's set-up and checks; the API key).
  const env = parseEnv(envVars);
  const ctx = createAppContext(env, createLogger({ level: "error" }));
  const { key } = await ctx.apiKeys.create({ name: "bench", role: "INTEGRATION" });
  // The API: `motcua serve --role api` from dist/, as it ships, serving nothing but the bench.
  const countsDir = mkdtempSync(path.join(os.tmpdir(), "bench-notify-"));
  const api = await startApi(envVars, countsDir);
  const base = api.base;
  const headers = { "content-type": "application/json", authorization: `Bearer ${key}` };

  // Citizens with a Telegram chat, so every notice is delivered (and confirmed) by the fake.
  const total = 2 * E2E_NOTICES + WORKER_WARM + LATENCY_SECONDS * 100 + 25_000;
  await ctx.pool.query(
    `INSERT INTO "Citizen" (id, phone, "updatedAt") SELECT gen_random_uuid(), '+8491' || lpad(g::text, 7, '0'), now() FROM generate_series(1, $1) g`,
    [total],
  );
  await ctx.pool.query(
    `INSERT INTO "ChannelIdentity" (id, channel, "externalId", "citizenId", "updatedAt")
       SELECT gen_random_uuid(), 'TELEGRAM', (7000000 + substr(phone, 6)::int)::text, id, now() FROM "Citizen"`,
  );
  let phoneSeq = 0;
  const event = (status = "RECEIVED") => {
    phoneSeq += 1;
    return {
      eventId: `b-${phoneSeq}-${randomBytes(3).toString("hex")}`,
      dossierCode: `H15.50.05.13-261124-${String(phoneSeq).padStart(6, "0")}`,
      status,
      occurredAt: new Date().toISOString(),
      procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
      applicant: { fullName: "Nguyễn Văn An", phone: `091${String(phoneSeq).padStart(7, "0")}` },
      communeCode: "29955",
      channel: "COUNTER",
      dueAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
    };
  };
  const post = async (pathName: string, body: unknown) => {
    const res = await fetch(base + pathName, { method: "POST", headers, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`${pathName} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  // Section 3's client (at 100 events/s, in this process; section 1's load comes from a process of
  // its own): node:http with kept-alive connections, a fraction of what fetch costs per request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send = (pathName: string, body: unknown) =>
    new Promise<void>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = http.request(base + pathName, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (res.statusCode === 202 ? resolve() : reject(new Error(`${pathName} answered ${res.statusCode}: ${Buffer.concat(chunks).toString()}`))));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
  const results: string[] = [];

  // 1. Ingest (no worker running: notices stay queued). The load comes from a process of its own
  //    (scripts/bench/ingest-clients.mjs), as upstream systems are other machines. Beside each
  //    rate: the statements the API process sent to PostgreSQL per event (round trips), and CPU
  //    per event in the API process, in the clients' process, and in the PostgreSQL backends of
  //    this database.
  say("1/5 ingest…");
  // Planner statistics for the tables just filled (as autovacuum would have them in service).
  await ctx.pool.query("ANALYZE");
  // BENCH_INGEST_RUNS=n: section 1 n times (each figure printed per run); BENCH_ONLY=ingest: section 1 only.
  const ingestRuns = Math.max(1, Number(process.env.BENCH_INGEST_RUNS ?? 1));
  /** One measured part: `count` events posted by the clients' process (after its warm-up), with the CPU it cost. */
  const ingestPart = async (name: string, options: { mode: "single" | "batch"; count: number; clients?: number; warm?: number; batchSize?: number }) => {
    const clients = await ingestClients({ base, key, ...options, firstSeq: phoneSeq });
    phoneSeq += (options.warm ?? 0) + options.count;
    const sent = await api.statements();
    const cpu = await ingestCpuMeter(ctx.pool, api.pids);
    await api.profile.start();
    const { ms, cpuUs } = await clients.go();
    // (read before the profile is written: writing it costs the API's process CPU of its own)
    const used = await cpu.perItem(options.count);
    await api.profile.stop(name);
    return { rate: options.count / (ms / 1000), statements: (await api.statements()) - sent, cpu: used.cpu, apiThreads: used.apiThreads, clientUs: cpuUs / options.count };
  };
  // BENCH_ONLY=delivery: sections 2 and 4 only (end to end and a backlog), for comparing the delivery's CPU.
  const deliveryOnly = process.env.BENCH_ONLY === "delivery";
  for (let run = 1; run <= (deliveryOnly ? 0 : ingestRuns); run++) {
    if (ingestRuns > 1) results.push(`run ${run}/${ingestRuns} (load average ${os.loadavg()[0]!.toFixed(2)})`);
    {
      const n = 2000;
      // Warm: the pool's connections opened, their statements prepared, the code optimised (a running
      // server has long been warm; 200 events left V8 compiling through the measured part).
      // BENCH_INGEST_WARM=n: a longer warm-up (V8 is still optimising the request's path well past
      // 1,000 events: the API's CPU per event kept falling over four runs in one process).
      const part = await ingestPart(`ingest-single-${run}`, { mode: "single", count: n, clients: 20, warm: Number(process.env.BENCH_INGEST_WARM ?? 1000) });
      results.push(line("ingest, single events (20 clients)", `${part.rate.toFixed(0)} ev/s`, "≥ 1,500", part.rate >= 1500));
      results.push(line("  statements per event", (part.statements / n).toFixed(2)));
      results.push(line("  CPU per event: api / postgres", part.cpu));
      results.push(line("    the api's main thread / its other threads", part.apiThreads));
      results.push(line("  CPU per event: the clients' process", `${Math.round(part.clientUs)} µs`));
    }
    {
      const batches = 10;
      const part = await ingestPart(`ingest-batch-${run}`, { mode: "batch", count: batches * 1000, batchSize: 1000 });
      results.push(line("ingest, batches of 1,000", `${part.rate.toFixed(0)} ev/s`, "≥ 5,000", part.rate >= 5000));
      results.push(line("  statements per batch", (part.statements / batches).toFixed(1)));
      results.push(line("  CPU per event: api / postgres", part.cpu));
      results.push(line("    the api's main thread / its other threads", part.apiThreads));
      results.push(line("  CPU per event: the client's process", `${Math.round(part.clientUs)} µs`));
    }
  }
  if (process.env.BENCH_ONLY === "ingest") {
    agent.destroy();
    await api.stop();
    await ctx.close().catch(() => undefined);
    await telegram.stop();
    redis.disconnect();
    say("");
    say(`bench:notify, ingest only (BENCH_ONLY=ingest), on this machine (${os.cpus().length} cores)`);
    say(apiProcessesLine);
    for (const r of results) say(r);
    return;
  }
  // The ingest phase produced notices for the worker; clear them so phase 2 measures a known set.
  await ctx.pool.query(`UPDATE "Notice" SET status = 'CANCELLED'`);
  // What autovacuum would do in service after that (it is off on the benchmark's server): the
  // cancelled rows' old versions cleared, and statistics for the notices and attempts (analyzed
  // above while still empty). Left in place, every index entry of the ingest's notices (QUEUED)
  // stayed for the relay's sweeps to read through, dead, for the rest of the run.
  await ctx.pool.query(`VACUUM ANALYZE "Notice", "NoticeAttempt", "Dossier", "DossierEvent", "Citizen"`);

  // 2. End to end with the worker as its own process.
  say("2/5 end to end…");
  // BENCH_PROFILE=<dir> writes the workers' CPU profiles there.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // BENCH_WORKER_FLAGS: Node/V8 flags for the worker processes (e.g. "--max-semi-space-size=4").
  const workerFlags = (process.env.BENCH_WORKER_FLAGS ?? "").split(/\s+/).filter(Boolean);
  // Each worker counts the SQL statements and Redis commands it sends (count-calls.mjs, bench only).
  let spawned = 0;
  const countFiles: string[] = [];
  const spawnWorkers = () =>
    Array.from({ length: WORKERS }, () => {
      const countFile = path.join(countsDir, `worker-${(spawned += 1)}.json`);
      countFiles.push(countFile);
      return spawn(process.execPath, [...profile, ...workerFlags, "--import", pathToFileURL(path.join(projectRoot, "scripts", "bench", "count-calls.mjs")).href, path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "worker"], {
        env: { ...envVars, PUBLIC_BASE_URL: base, BENCH_COUNT_FILE: countFile } as NodeJS.ProcessEnv,
        stdio: ["ignore", "ignore", "inherit"],
      });
    });
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  const stopWorkers = async (list: ChildProcess[]) => {
    for (const w of list) w.kill("SIGTERM");
    await Promise.all(list.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))));
  };
  // Autovacuum's ANALYZE, which is off on the benchmark's server, stood in for while the worker
  // runs, by its default rule: a table is analyzed once 50 rows and a tenth of it have changed
  // since the last time (checked every 5 s). Without it the statistics stay those of the empty
  // attempts table, and a cached plan made from them (a worker's prepared statement) scanned
  // every attempt for each batch of results.
  const analyzer = setInterval(() => {
    void (async () => {
      const due = await ctx.pool.query<{ name: string }>(
        `SELECT quote_ident(s.relname) AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE s.relname IN ('Notice', 'NoticeAttempt') AND s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0)`,
      );
      for (const { name } of due.rows) await ctx.pool.query(`ANALYZE ${name}`);
    })().catch(() => undefined);
  }, 5_000);
  const workers = spawnWorkers();
  const worker = workers[0]!;
  await waitForWorker(worker, telegram, post, event);
  if (WORKER_WARM > 0) {
    const before = telegram.sent.length;
    for (let i = 0; i < WORKER_WARM; i += 1000) await post("/api/v1/dossier-events/batch", { events: Array.from({ length: Math.min(1000, WORKER_WARM - i) }, () => event()) });
    while (telegram.sent.length - before < WORKER_WARM) await new Promise((r) => setTimeout(r, 20));
  }
  let e2eRate = 0;
  let e2eCalls: ReturnType<typeof callMeter> | undefined;
  {
    const before = telegram.sent.length;
    const cpu = cpuMeter(workers.map((w) => w.pid!));
    const calls = callMeter(countFiles.slice(-WORKERS));
    const dbCpu = databaseCpuMeter(ctx.pool, databaseName);
    const started = performance.now();
    for (let i = 0; i < E2E_NOTICES; i += 1000) await post("/api/v1/dossier-events/batch", { events: Array.from({ length: Math.min(1000, E2E_NOTICES - i) }, () => event()) });
    while (telegram.sent.length - before < E2E_NOTICES) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - started) / 1000;
    e2eRate = E2E_NOTICES / seconds;
    const settled = await ctx.pool.query(`SELECT count(*)::int AS n FROM "Notice" WHERE status = 'DELIVERED'`);
    results.push(line(`end to end, ${E2E_NOTICES} notices, limits off${WORKER_WARM ? ` (worker warmed by ${WORKER_WARM})` : ""}`, `${e2eRate.toFixed(0)} n/s`, "≥ 2,000", e2eRate >= 2000));
    results.push(line("  notices DELIVERED in the database", `${settled.rows[0].n}`));
    results.push(line("  CPU per notice: worker / postgres / redis", cpu.perItem(E2E_NOTICES)));
    results.push(line("    the worker's main thread / its other threads", cpu.workerThreads(E2E_NOTICES)));
    results.push(line("  CPU per notice: this database's backends", `${await dbCpu.perItem(E2E_NOTICES)}`));
    e2eCalls = calls;
  }

  // 3. Latency at 100 events/s: from the event accepted (the 202 read by the client) to the
  //    provider being called (as the fake timed it); one clock, this machine's. The provider may
  //    be called before the client has read the 202 (counted as 0). The ingest request's own time
  //    is printed beside it.
  say("3/5 latency at 100 events/s…");
  if (!deliveryOnly) {
    const accepted = new Map<string, number>();
    const requestMs: number[] = [];
    const chatOf = (phone: string) => String(7000000 + Number(phone.slice(-7)));
    const sends: Promise<unknown>[] = [];
    const startedAt = performance.now();
    for (let i = 0; i < LATENCY_SECONDS * 100; i += 1) {
      const due = startedAt + i * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const e = event();
      const sentAt = performance.now();
      sends.push(
        send("/api/v1/dossier-events", e).then(() => {
          requestMs.push(performance.now() - sentAt);
          accepted.set(chatOf(`+84${e.applicant.phone.slice(1)}`), Date.now());
        }),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 20_000;
    const seen = () => telegram.sent.filter((m) => accepted.has(m.chatId));
    while (seen().length < accepted.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const latencies = seen().map((m) => Math.max(0, m.at - accepted.get(m.chatId)!));
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    results.push(line("latency accepted → provider called, p50", `${p50.toFixed(0)} ms`));
    results.push(line("latency accepted → provider called, p95", `${p95.toFixed(0)} ms`, "≤ 300 ms", p95 <= 300));
    const requestP95 = percentile(requestMs, 95);
    results.push(line("  the ingest request itself, p50 / p95", `${percentile(requestMs, 50).toFixed(0)} / ${requestP95.toFixed(0)} ms`, "p95 ≤ 50 ms", requestP95 <= 50));
  }

  // 4. Worker memory (the largest of the worker processes).
  const rss = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
  results.push(line("worker peak RSS (per process)", `${rss.toFixed(0)} MB`, "≤ 150 MB", rss <= 150));
  {
    const peak = readCallCounts(countFiles[0]!).peak;
    if (peak) results.push(line("  its peaks: V8 heap committed / used, outside the heap", `${peak.heapTotal} / ${peak.heapUsed} / ${peak.external} MB`));
  }
  await stopWorkers(workers);
  // Counted over phase 2 (the phase 3 notices are counted too: read after the worker stopped).
  if (e2eCalls) results.push(line("  worker's SQL statements / Redis commands per notice (phases 2-3)", e2eCalls.perItem(E2E_NOTICES + (deliveryOnly ? 0 : LATENCY_SECONDS * 100))));

  // 4b. Delivery alone: a backlog of notices already written (the worker was down), then the
  //     worker starts; notices/s from the first delivery to the last.
  say("4/5 delivery of a backlog…");
  let drainRate = 0;
  {
    for (let i = 0; i < E2E_NOTICES; i += 1000) await post("/api/v1/dossier-events/batch", { events: Array.from({ length: Math.min(1000, E2E_NOTICES - i) }, () => event()) });
    // Backdated so the new worker's first sweep takes them all (it leaves fresh notices to NOTIFY).
    await ctx.pool.query(`UPDATE "Notice" SET "updatedAt" = now() - interval '1 minute' WHERE status = 'QUEUED'`);
    // The backdating's old versions cleared, as autovacuum would after such an update.
    await ctx.pool.query(`VACUUM "Notice"`);
    const before = telegram.sent.length;
    const drainers = spawnWorkers();
    const cpu = cpuMeter(drainers.map((w) => w.pid!));
    const calls = callMeter(countFiles.slice(-WORKERS));
    const dbCpu = databaseCpuMeter(ctx.pool, databaseName);
    while (telegram.sent.length - before < E2E_NOTICES) {
      if (drainers.some((w) => w.exitCode !== null)) throw new Error("a worker process stopped");
      await new Promise((r) => setTimeout(r, 20));
    }
    const times = telegram.sent.slice(before).map((m) => m.at);
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    drainRate = (E2E_NOTICES - 1) / seconds;
    results.push(line(`delivery of a backlog of ${E2E_NOTICES} notices`, `${drainRate.toFixed(0)} n/s`));
    results.push(line("  CPU per notice: worker / postgres / redis", cpu.perItem(E2E_NOTICES)));
    results.push(line("    the worker's main thread / its other threads", cpu.workerThreads(E2E_NOTICES)));
    results.push(line("  CPU per notice: this database's backends", `${await dbCpu.perItem(E2E_NOTICES)}`));
    await stopWorkers(drainers);
    results.push(line("  worker's SQL statements / Redis commands per notice", calls.perItem(E2E_NOTICES)));
  }

  // 5. The ceiling: bare BullMQ no-op jobs with the same concurrency and Redis, in the pipeline's
  //    shape: jobs added in bulks of 200 (as the relay does) while the worker consumes them.
  clearInterval(analyzer);
  say("5/5 bare BullMQ ceiling…");
  if (!deliveryOnly) {
    const n = 20_000;
    const connection = new Redis(benchRedisUrl, { maxRetriesPerRequest: null });
    const workerConnection = new Redis(benchRedisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue("ceiling", { connection, prefix });
    let done = 0;
    const w = new Worker("ceiling", async () => undefined, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
    w.on("completed", () => (done += 1));
    const started = performance.now();
    for (let i = 0; i < n; i += 200) await queue.addBulk(Array.from({ length: 200 }, (_, j) => ({ name: "noop", data: { i: i + j }, opts: { removeOnComplete: true } })));
    const deadline = Date.now() + 120_000;
    while (done < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const ceiling = done / ((performance.now() - started) / 1000);
    await w.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
    const ratio = e2eRate / ceiling;
    results.push(line("bare BullMQ no-op jobs, added + run (ceiling)", `${ceiling.toFixed(0)} jobs/s`));
    results.push(line("pipeline (end to end) / ceiling", `${(ratio * 100).toFixed(0)} %`, "≥ 30 %", ratio >= 0.3));
    results.push(line("delivery of a backlog / ceiling", `${((drainRate / ceiling) * 100).toFixed(0)} %`));
  }

  agent.destroy();
  await api.stop();
  await ctx.close().catch(() => undefined);
  await telegram.stop();
  redis.disconnect();
  say("");
  say(`bench:notify on this machine (${(await import("node:os")).cpus().length} cores): ${WORKERS} worker process(es), concurrency ${CONCURRENCY} each`);
  say(apiProcessesLine);
  for (const r of results) say(r);
}

/**
 * The API as it ships: `motcua serve --role api` (dist/) in a process of its own, on a free port,
 * preloaded with scripts/bench/count-calls.mjs (the SQL statements it sends) and, with
 * BENCH_API_PROFILE=<dir>, scripts/bench/profile-on-signal.mjs: `profile.start()` and
 * `profile.stop(name)` then write a CPU profile of the API over one measured part to
 * <dir>/<name>.cpuprofile (open it in Chrome's DevTools).
 */
async function startApi(
  envVars: Record<string, string | undefined>,
  countsDir: string,
): Promise<{ base: string; pids: number[]; statements(): Promise<number>; profile: { start(): Promise<void>; stop(name: string): Promise<void> }; stop(): Promise<void> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const countFile = path.join(countsDir, "api.json");
  const profileDir = process.env.BENCH_API_PROFILE;
  // Written in that directory under a passing name, renamed after the part it covers.
  const profilePrefix = profileDir ? path.join(profileDir, `.api-profile-${process.pid}-`) : "";
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  if (profileDir && API_PROCESSES > 1) throw new Error("BENCH_API_PROFILE profiles one API process: use it with BENCH_API_PROCESSES=1");
  const preload = (file: string) => ["--import", pathToFileURL(path.join(projectRoot, "scripts", "bench", file)).href];
  // BENCH_API_FLAGS: Node/V8 flags for the API process (e.g. "--trace-opt"); its standard output is then shown.
  const apiFlags = (process.env.BENCH_API_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const child = spawn(
    process.execPath,
    [...apiFlags, ...preload("count-calls.mjs"), ...(profileDir ? preload("profile-on-signal.mjs") : []), path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "api"],
    {
      // With several API processes the bench's pool of 40 connections is shared out among them.
      env: { ...envVars, API_PROCESSES: String(API_PROCESSES), DATABASE_POOL_SIZE: String(Math.max(2, Math.ceil(40 / API_PROCESSES))), PORT: String(port), HOST: "127.0.0.1", PUBLIC_BASE_URL: base, BENCH_COUNT_FILE: countFile, BENCH_COUNT_MEMORY: "off", ...(profileDir ? { BENCH_PROFILE_FILE_PREFIX: profilePrefix } : {}) } as NodeJS.ProcessEnv,
      stdio: ["ignore", apiFlags.length ? "inherit" : "ignore", "inherit"],
    },
  );
  const exited = new Promise((r) => child.once("exit", r));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API process (serve --role api) ended with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("the API process did not answer /readyz within 60 s");
    const answer = await fetch(`${base}/readyz`).catch(() => null);
    if (answer?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  let profiles = 0;
  // The API's processes: with API_PROCESSES > 1, the cluster primary and the processes it forked (all listening by now).
  const pids = [child.pid!, ...(API_PROCESSES > 1 ? childPids(child.pid!) : [])];
  if (pids.length !== API_PROCESSES + (API_PROCESSES > 1 ? 1 : 0)) throw new Error(`expected ${API_PROCESSES} API processes, found ${pids.length - 1}`);
  // One count file per process (count-calls.mjs): api.json, and api.json.<id> for each forked API process.
  const countFiles = () => readdirSync(countsDir).filter((f) => f.startsWith("api.json")).map((f) => path.join(countsDir, f));
  return {
    base,
    pids,
    // count-calls.mjs writes its file every second: asked while the API is idle, the first write
    // made after the question holds every statement sent so far.
    async statements() {
      const asked = Date.now();
      for (;;) {
        const counts = countFiles().map(readCallCounts);
        if (counts.length > 0 && counts.every((c) => (c.at ?? 0) > asked)) return counts.reduce((sum, c) => sum + c.sql, 0);
        if (child.exitCode !== null) throw new Error("the API process ended");
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    profile: {
      async start() {
        if (profileDir) child.kill("SIGUSR2");
      },
      async stop(name: string) {
        if (!profileDir) return;
        child.kill("SIGUSR2");
        const written = `${profilePrefix}${(profiles += 1)}.cpuprofile`;
        while (!existsSync(written)) await new Promise((r) => setTimeout(r, 50));
        renameSync(written, path.join(profileDir, `${name}.cpuprofile`));
      },
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The ingest load generator in a process of its own (scripts/bench/ingest-clients.mjs): started
 * and warmed here; `go()` runs the measured part and answers its wall time and the process's CPU.
 */
async function ingestClients(options: Record<string, unknown>): Promise<{ go(): Promise<{ ms: number; cpuUs: number }> }> {
  const child = spawn(process.execPath, [path.join(projectRoot, "scripts", "bench", "ingest-clients.mjs"), JSON.stringify(options)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let i: number;
    while ((i = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      const wake = waiting;
      waiting = undefined;
      wake?.();
    }
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the ingest clients' process ended (${code}) before answering`))));
  exited.catch(() => undefined);
  const nextLine = () => Promise.race([exited, new Promise<string>((resolve) => {
    const take = () => (lines.length ? resolve(lines.shift()!) : (waiting = take));
    take();
  })]);
  if ((await nextLine()) !== "ready") throw new Error("the ingest clients' process did not get ready");
  return {
    async go() {
      child.stdin!.write("go\n");
      const result = JSON.parse(await nextLine()) as { ms: number; cpuUs: number };
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
      return result;
    },
  };
}

/** Waits until the worker process answers (one notice goes through). */
async function waitForWorker(worker: ChildProcess, telegram: TelegramFake, post: (p: string, b: unknown) => Promise<Response>, event: () => unknown): Promise<void> {
  const before = telegram.sent.length;
  await post("/api/v1/dossier-events", event());
  const deadline = Date.now() + 60_000;
  while (telegram.sent.length === before) {
    if (worker.exitCode !== null) throw new Error("the worker process stopped");
    if (Date.now() > deadline) throw new Error("the worker did not start within 60 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
