/**
 * `npm run bench:broadcast` (issue 9 §6): one announcement to 100,000 subscribers — 50,000 on
 * Telegram, 50,000 on the Zalo OA, in two hamlets of commune 29955 — against the fake providers
 * (real HTTP on 127.0.0.1), with the real rate limits on (Telegram 30/s overall and 1/s per chat,
 * Zalo 4,000/min per app). The fakes enforce those limits the way the providers do (a request over
 * the limit gets Telegram's 429 or Zalo's -32), so "429s" counts what a real provider would refuse.
 *
 *   1. The time to create every notice: BroadcastService.start(), which the send triggers.
 *   2. The send rate the worker reaches as a share of the configured limits, over a steady window
 *      (after a warm-up; the run does not wait for the last of the 100,000).
 *   3. The 429s the fakes answered.
 *   4. The worker's peak RSS: the worker runs as its own process (`motcua serve --role worker`),
 *      as in production, and its VmHWM is read from /proc.
 *
 * It runs by hand only (it takes a few minutes), in a database of its own (motcua_bench_<random>,
 * dropped at the end, on failure and on Ctrl-C too) and a Redis key prefix of its own.
 *
 *   BENCH_SUBSCRIBERS (100000), BENCH_WARMUP_SECONDS (20), BENCH_WINDOW_SECONDS (120),
 *   BENCH_CONCURRENCY (the worker's WORKER_CONCURRENCY; default: its own default)
 *   or the flags --subscribers=N --warmup=S --window=S --concurrency=N;
 *   BENCH_WORKER_NODE_OPTIONS: Node options for the worker process alone (memory settings).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { createAppContext, type AppContext } from "../../src/app/context.js";
import type { Principal } from "../../src/auth/guard.js";
import { parseEnv } from "../../src/config/env.js";
import { createLogger } from "../../src/logging/logger.js";
import { projectRoot } from "../../src/paths.js";
import type { FakeServer } from "../../test/fakes/fake-server.js";
import { TelegramFake } from "../../test/fakes/telegram-fake.js";
import { ZaloFake } from "../../test/fakes/zalo-fake.js";
import { benchRedisUrl, cpuMeter, throwawayBenchDatabase, type BenchDatabase } from "./support.js";

function setting(flag: string, envName: string, fallback: number | null): number | null {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${flag}=`));
  const raw = arg ? arg.slice(flag.length + 3) : process.env[envName];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} / ${envName} must be a positive number (got "${raw}")`);
  return n;
}

const SUBSCRIBERS = Math.round(setting("subscribers", "BENCH_SUBSCRIBERS", 100_000)!);
const WARMUP_S = setting("warmup", "BENCH_WARMUP_SECONDS", 20)!;
const WINDOW_S = setting("window", "BENCH_WINDOW_SECONDS", 120)!;
const CONCURRENCY = setting("concurrency", "BENCH_CONCURRENCY", null);

const COMMUNE = "29955";
const TELEGRAM_PER_S = 30;
const ZALO_PER_MIN = 4000;
const LIMIT_PER_S = TELEGRAM_PER_S + ZALO_PER_MIN / 60;

const say = (text: string) => console.log(text);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes a fake refuse what the provider would: more than `limit` accepted requests in any
 * `windowMs` (sliding, by arrival), and for Telegram a second message to one chat within a second.
 * Returns the count of refusals so far.
 */
function enforceLimit(fake: FakeServer, o: { path: RegExp; limit: number; windowMs: number; perKey?: (body: unknown) => string; fault: Parameters<FakeServer["inject"]>[0] }): () => number {
  const accepted: number[] = [];
  let head = 0;
  const lastByKey = new Map<string, number>();
  let refused = 0;
  fake.inject(o.fault, {
    times: Infinity,
    match: (req) => {
      if (req.method !== "POST" || !o.path.test(req.path.split("?")[0]!)) return false;
      while (head < accepted.length && accepted[head]! <= req.at - o.windowMs) head += 1;
      if (head > 10_000) accepted.splice(0, head), (head = 0);
      const key = o.perKey?.(req.body);
      const last = key === undefined ? undefined : lastByKey.get(key);
      if (accepted.length - head >= o.limit || (last !== undefined && req.at - last < 1000)) {
        refused += 1;
        return true;
      }
      accepted.push(req.at);
      if (key !== undefined) lastByKey.set(key, req.at);
      return false;
    },
  });
  return () => refused;
}

/** VmHWM and VmRSS of a process, in MB (NaN once it is gone). */
function memoryMb(pid: number): { hwm: number; rss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+) kB`))?.[1] ?? NaN) / 1024;
    return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
  } catch {
    return { hwm: NaN, rss: NaN };
  }
}

interface Row {
  figure: string;
  measured: string;
  target: string;
  ok: boolean;
}

function table(rows: Row[]): string {
  const w = [Math.max(6, ...rows.map((r) => r.figure.length)), Math.max(8, ...rows.map((r) => r.measured.length)), Math.max(6, ...rows.map((r) => r.target.length))];
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w[0]!)}  ${b.padStart(w[1]!)}  ${c.padEnd(w[2]!)}  ${d}`;
  return [line("figure", "measured", "target", ""), line("-".repeat(w[0]!), "-".repeat(w[1]!), "-".repeat(w[2]!), "----"), ...rows.map((r) => line(r.figure, r.measured, r.target, r.ok ? "PASS" : "MISS"))].join("\n");
}

// Everything the run created, undone once (at the end, on failure, on Ctrl-C).
let database: BenchDatabase | undefined;
let ctx: AppContext | undefined;
let worker: ChildProcess | undefined;
const fakes: FakeServer[] = [];
let prefix = "";
let cleaning: Promise<void> | undefined;

async function stopWorker(): Promise<void> {
  const w = worker;
  if (!w || w.exitCode !== null || w.signalCode !== null) return;
  const exited = new Promise((r) => w.once("exit", r));
  w.kill("SIGTERM");
  const killer = setTimeout(() => w.kill("SIGKILL"), 40_000);
  await exited;
  clearTimeout(killer);
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    const step = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        console.error(`cleanup: ${what} failed: ${(error as Error).message}`);
      }
    };
    await step("stopping the worker", stopWorker);
    if (ctx && prefix) {
      const c = ctx;
      await step("emptying the queue", () => c.queue.queue.obliterate({ force: true }));
      await step("removing the run's Redis keys", async () => {
        let cursor = "0";
        do {
          const [next, keys] = await c.redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
          cursor = next;
          if (keys.length) await c.redis.del(...keys);
        } while (cursor !== "0");
      });
    }
    if (ctx) await step("closing connections", () => ctx!.close());
    await step("stopping the fakes", () => Promise.all(fakes.map((f) => f.stop())));
    if (database) await step(`dropping ${database.name}`, () => database!.drop());
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the worker and dropping the bench database…`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const load0 = loadavg();
  say(`bench:broadcast — ${SUBSCRIBERS.toLocaleString("en")} subscribers, warm-up ${WARMUP_S} s, window ${WINDOW_S} s, ${cpus().length} cores, load ${load0.map((l) => l.toFixed(2)).join(" ")}`);
  say("preparing a database of its own (migrated, administrative units seeded)…");
  database = await throwawayBenchDatabase();
  say(`  ${database.name}`);
  const telegram = new TelegramFake();
  const zalo = new ZaloFake();
  fakes.push(telegram, zalo);
  await Promise.all([telegram.start(), zalo.start()]);
  const telegram429 = enforceLimit(telegram, {
    path: /\/sendMessage$/,
    limit: TELEGRAM_PER_S,
    windowMs: 1000,
    perKey: (body) => String((body as { chat_id?: unknown })?.chat_id ?? ""),
    fault: { kind: "rate-limit", retryAfter: 1 },
  });
  const zalo429 = enforceLimit(zalo, { path: /^\/v3\.0\/oa\/message\/cs$/, limit: ZALO_PER_MIN, windowMs: 60_000, fault: { kind: "rate-limit", retryAfter: 1 } });

  prefix = `benchbc${randomBytes(3).toString("hex")}`;
  const envVars: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: database.url,
    REDIS_URL: benchRedisUrl,
    ...telegram.env(),
    ...zalo.env(),
    QUEUE_PREFIX: prefix,
    RATE_LIMITS: "on",
    QUIET_HOURS: "off",
    PUBLIC_BASE_URL: "http://127.0.0.1:3000",
    LOG_LEVEL: "info",
    ...(CONCURRENCY ? { WORKER_CONCURRENCY: String(CONCURRENCY) } : {}),
  };
  // Node options for the worker process alone (e.g. "--max-old-space-size=96"), to try memory settings.
  const workerEnv = { ...envVars, ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} ${process.env.BENCH_WORKER_NODE_OPTIONS}`.trim() } : {}) };
  const env = parseEnv(envVars);
  ctx = createAppContext(env, createLogger({ level: "error" }));

  say(`seeding ${SUBSCRIBERS.toLocaleString("en")} subscribers in two hamlets of ${COMMUNE}…`);
  const hamlets = (
    await ctx.pool.query<{ id: string }>(
      `INSERT INTO "Hamlet" (id, "communeCode", code, name, "searchName") VALUES
         (gen_random_uuid(), $1, 'B1', 'Khóm Bench Một', 'khom bench mot'), (gen_random_uuid(), $1, 'B2', 'Khóm Bench Hai', 'khom bench hai')
       RETURNING id`,
      [COMMUNE],
    )
  ).rows.map((r) => r.id);
  // Even numbers on Telegram, odd on Zalo; each channel split across the two hamlets. Every Zalo
  // follower wrote to the OA just now (inside Zalo's 7-day window).
  const seeded = Date.now();
  await ctx.pool.query(
    `WITH g AS MATERIALIZED (SELECT n, gen_random_uuid() AS id FROM generate_series(1, $1::int) n),
          i AS (
            INSERT INTO "ChannelIdentity" (id, channel, "externalId", "displayName", "consentAt", reachable, "lastInteractionAt", "updatedAt")
            SELECT id, CASE WHEN n % 2 = 0 THEN 'TELEGRAM' ELSE 'ZALO_OA' END::"ChannelKind",
                   CASE WHEN n % 2 = 0 THEN (7000000000 + n)::text ELSE 'z' || lpad(n::text, 12, '0') END,
                   'Cư dân ' || n, now(), true, now(), now()
              FROM g RETURNING id)
     INSERT INTO "Subscription" (id, kind, "identityId", "communeCode", "hamletId")
     SELECT gen_random_uuid(), 'AREA', g.id, $2, CASE WHEN (n / 2) % 2 = 0 THEN $3::uuid ELSE $4::uuid END FROM g`,
    [SUBSCRIBERS, COMMUNE, hamlets[0], hamlets[1]],
  );
  await ctx.pool.query(`ANALYZE "ChannelIdentity"; ANALYZE "Subscription"`).catch(() => ctx!.pool.query(`ANALYZE`));
  say(`  ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  say("starting the worker process (motcua serve --role worker, RATE_LIMITS=on)…");
  worker = spawn(process.execPath, [path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "worker"], { env: workerEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "inherit"] });
  const workerPid = worker.pid!;
  const logCounts = new Map<string, number>();
  const firstProblems: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    worker!.once("exit", (code, signal) => reject(new Error(`the worker process stopped before it was ready (code ${code}, signal ${signal})`)));
    createInterface({ input: worker!.stdout! }).on("line", (text) => {
      let entry: { level?: number | string; msg?: string; err?: { message?: string } };
      try {
        entry = JSON.parse(text);
      } catch {
        return;
      }
      if (entry.msg === "notification worker and outbox relay running") resolve();
      const level = typeof entry.level === "number" ? entry.level : ({ warn: 40, error: 50, fatal: 60 } as Record<string, number>)[entry.level ?? ""] ?? 0;
      if (level >= 40) {
        const k = entry.msg ?? "?";
        logCounts.set(k, (logCounts.get(k) ?? 0) + 1);
        if (firstProblems.length < 5) firstProblems.push(`${k}${entry.err?.message ? `: ${entry.err.message}` : ""}`);
      }
    });
  });
  await Promise.race([ready, sleep(90_000).then(() => Promise.reject(new Error("the worker did not start within 90 s")))]);

  const principal: Principal = { kind: "api-key", id: randomUUID(), name: "bench", role: "COMMUNE_STAFF", unitCode: COMMUNE };
  const created = await ctx.broadcasts.create(principal, {
    communeCode: COMMUNE,
    hamletIds: hamlets,
    title: "Lịch tiêm chủng mở rộng tháng 12",
    body: "Sáng thứ Bảy 7 giờ tại trạm y tế phường, mang theo sổ tiêm chủng của trẻ.\nMọi thắc mắc xin gọi trạm y tế.",
  });
  const preview = created.preview.recipients;
  say(`draft ${created.view.id}: ${preview.byChannel.TELEGRAM} on Telegram, ${preview.byChannel.ZALO_OA} on Zalo, ${preview.unreachable} unreachable`);

  // Time start() itself (the send calls it once).
  const service = ctx.broadcasts;
  const realStart = service.start.bind(service);
  let startMs = NaN;
  service.start = async (id: string) => {
    const t = performance.now();
    try {
      return await realStart(id);
    } finally {
      startMs = performance.now() - t;
    }
  };
  say("sending…");
  const memory: number[] = [];
  const sampler = setInterval(() => {
    const m = memoryMb(workerPid);
    if (Number.isFinite(m.rss)) memory.push(m.rss);
  }, 250);
  const sendAt = Date.now();
  const sendT = performance.now();
  const view = await service.send(principal, created.view.id);
  const sendMs = performance.now() - sendT;
  const createdAt = Date.now();
  const notices = (await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1`, [view.id])).rows[0]!.n;
  say(`  ${notices.toLocaleString("en")} notices created: start() ${(startMs / 1000).toFixed(2)} s (send() ${(sendMs / 1000).toFixed(2)} s)`);

  const windowStart = createdAt + WARMUP_S * 1000;
  const windowEnd = windowStart + WINDOW_S * 1000;
  const tgTimes = () => telegram.sent.filter((m) => m.method === "sendMessage").map((m) => m.at);
  const zaloTimes = () => zalo.messages.filter((m) => m.api === "oa").map((m) => m.at);
  let cpu: ReturnType<typeof cpuMeter> | undefined;
  let nextReport = createdAt + 10_000;
  while (Date.now() < windowEnd) {
    if (worker.exitCode !== null) throw new Error("the worker process stopped");
    if (!cpu && Date.now() >= windowStart) cpu = cpuMeter([workerPid]);
    if (Date.now() >= nextReport) {
      const m = memoryMb(workerPid);
      say(`  +${Math.round((Date.now() - createdAt) / 1000)} s: telegram ${telegram.sent.length}, zalo ${zalo.messages.length}, refused ${telegram429() + zalo429()}, worker RSS ${m.rss.toFixed(0)} MB${Date.now() < windowStart ? " (warm-up)" : ""}`);
      nextReport += 10_000;
    }
    await sleep(100);
  }
  const cpuUse = cpu?.perItem(1);
  const { hwm } = memoryMb(workerPid);
  clearInterval(sampler);
  const tg = tgTimes();
  const zl = zaloTimes();
  const inWindow = (times: number[]) => times.filter((t) => t >= windowStart && t < windowEnd).length;
  const tgRate = inWindow(tg) / WINDOW_S;
  const zlRate = inWindow(zl) / WINDOW_S;
  const share = (tgRate + zlRate) / LIMIT_PER_S;
  const refused = telegram429() + zalo429();
  const firstMessage = Math.min(tg[0] ?? Infinity, zl[0] ?? Infinity) - sendAt;

  // Where things stood at the end of the window (for reading a miss).
  const [queueCounts, statuses] = await Promise.all([
    ctx.queue.queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed"),
    ctx.pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Notice" WHERE "broadcastId" = $1 GROUP BY 1 ORDER BY 1`, [view.id]),
  ]);
  const buckets: string[] = [];
  for (let t = createdAt; t < windowEnd; t += 10_000) {
    const n = (times: number[]) => times.filter((x) => x >= t && x < t + 10_000).length;
    buckets.push(`${Math.round((t - createdAt) / 1000)}s ${(n(tg) / 10).toFixed(0)}+${(n(zl) / 10).toFixed(0)}`);
  }
  const load1 = loadavg();

  const rows: Row[] = [
    { figure: `1. create ${notices.toLocaleString("en")} notices (start())`, measured: `${(startMs / 1000).toFixed(2)} s`, target: "≤ 10 s", ok: startMs <= 10_000 },
    {
      figure: `2. send rate / limits (${WINDOW_S} s window)`,
      measured: `${(share * 100).toFixed(1)} %`,
      target: "≥ 95 %",
      ok: share >= 0.95,
    },
    { figure: "3. 429s answered by the fakes", measured: `${refused}`, target: "0", ok: refused === 0 },
    { figure: "4. worker peak RSS (VmHWM)", measured: `${hwm.toFixed(0)} MB`, target: "≤ 200 MB", ok: hwm <= 200 },
  ];
  say("");
  say(table(rows));
  say("");
  say(`  2: Telegram ${tgRate.toFixed(1)}/s of ${TELEGRAM_PER_S}/s (${((tgRate / TELEGRAM_PER_S) * 100).toFixed(1)} %), Zalo ${zlRate.toFixed(1)}/s of ${(ZALO_PER_MIN / 60).toFixed(1)}/s (${((zlRate / (ZALO_PER_MIN / 60)) * 100).toFixed(1)} %); total ${(tgRate + zlRate).toFixed(1)}/s of ${LIMIT_PER_S.toFixed(1)}/s`);
  say(`     per 10 s from the notices' creation (Telegram+Zalo per s): ${buckets.join(", ")}`);
  say(`  3: Telegram 429 ${telegram429()}, Zalo -32 ${zalo429()}`);
  say(`  4: VmRSS sampled every 250 ms: max ${Math.max(...memory).toFixed(0)} MB, last ${memory.at(-1)?.toFixed(0)} MB`);
  say(`  send() in all ${(sendMs / 1000).toFixed(2)} s; first message ${(firstMessage / 1000).toFixed(2)} s after the send; sent in the run: Telegram ${tg.length}, Zalo ${zl.length}`);
  say(`  CPU over the window (the worker / every PostgreSQL and Redis process on the machine, other users' included; s → % of one core): ${cpuUse ? cpuUse.replace(" µs", "").split(" / ").map((us) => `${(Number(us) / 1e6).toFixed(1)} s (${((Number(us) / 1e6 / WINDOW_S) * 100).toFixed(0)} %)`).join(" / ") : "n/a"}`);
  say(`  at the end of the window: queue ${JSON.stringify(queueCounts)}; notices ${statuses.rows.map((r) => `${r.status} ${r.n}`).join(", ")}`);
  if (logCounts.size) say(`  worker warnings/errors: ${[...logCounts].map(([k, n]) => `${n}× ${k}`).join("; ")}${firstProblems.length ? ` (first: ${firstProblems[0]})` : ""}`);
  say(`  load average before ${load0.map((l) => l.toFixed(2)).join(" ")}, after ${load1.map((l) => l.toFixed(2)).join(" ")} (${cpus().length} cores, shared)`);
}

const began = Date.now();
main().then(
  async () => {
    await cleanup();
    say(`  run took ${((Date.now() - began) / 1000).toFixed(0)} s; ${database?.name} dropped`);
    process.exit(0);
  },
  async (error) => {
    console.error(error);
    await cleanup();
    process.exit(1);
  },
);
