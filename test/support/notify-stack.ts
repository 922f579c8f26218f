/**
 * The whole notification pipeline for an integration test, every part real: a database of its
 * own, Redis, the HTTP API, the BullMQ worker and relay, and the fake providers on 127.0.0.1.
 */
import { randomBytes, randomInt } from "node:crypto";
import { createServer } from "node:net";
import type { FastifyInstance } from "fastify";
import { createAppContext, type AppContext } from "../../src/app/context.js";
import { startWorkerRole, type WorkerRole } from "../../src/app/worker-role.js";
import { parseEnv, type Env } from "../../src/config/env.js";
import { DOSSIER_NOTICE_TYPES } from "../../src/notifications/notice-types.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging/logger.js";
import { TelegramFake } from "../fakes/telegram-fake.js";
import { TwilioFake } from "../fakes/twilio-fake.js";
import { ZaloFake } from "../fakes/zalo-fake.js";
import { cloneTestDatabase } from "./databases.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export const ALL_ZNS_TEMPLATES = DOSSIER_NOTICE_TYPES.map((t, i) => `${t}=tpl${String(i).padStart(3, "0")}`).join(",");

export interface StackOptions {
  env?: Record<string, string>;
  /** Start the worker role (default true). */
  worker?: boolean;
  /** Provider credentials to leave out (those channels fall back to the sandbox). */
  without?: ("zalo" | "telegram" | "twilio")[];
}

export interface NotifyStack {
  env: Env;
  ctx: AppContext;
  app: FastifyInstance;
  worker: WorkerRole | null;
  zalo: ZaloFake;
  telegram: TelegramFake;
  twilio: TwilioFake;
  baseUrl: string;
  key: string;
  databaseUrl: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  event(overrides?: Record<string, unknown>): Record<string, unknown>;
  waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs?: number): Promise<T>;
  startWorker(): Promise<WorkerRole>;
  close(): Promise<void>;
}

let sequence = 0;
/** Where this process's applicants' phone numbers start: each event's differs (random ones collided now and then). */
const phoneBase = randomInt(1_000_000);

export async function startNotifyStack(options: StackOptions = {}): Promise<NotifyStack> {
  const zalo = new ZaloFake();
  const telegram = new TelegramFake();
  const twilio = new TwilioFake();
  await Promise.all([zalo.start(), telegram.start(), twilio.start()]);
  const database = await cloneTestDatabase();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  zalo.receiptsTo = `${baseUrl}/webhooks/zalo`;
  const without = new Set(options.without ?? []);
  const env = parseEnv({
    ...process.env,
    DATABASE_URL: database.url,
    ...(without.has("zalo") ? {} : zalo.env()),
    ...(without.has("telegram") ? {} : telegram.env()),
    ...(without.has("twilio") ? {} : twilio.env()),
    ZNS_TEMPLATES: ALL_ZNS_TEMPLATES,
    PUBLIC_BASE_URL: baseUrl,
    PORT: String(port),
    QUEUE_PREFIX: `t${randomBytes(5).toString("hex")}`,
    RELAY_SWEEP_MS: "500",
    QUIET_HOURS: "off",
    WORKER_CONCURRENCY: "20",
    PROVIDER_TIMEOUT_MS: "1000",
    RECONCILE_DELAY_MS: "300",
    ...options.env,
  });
  const ctx = createAppContext(env, createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" }));
  const app = await buildHttpServer(ctx);
  await app.listen({ host: "127.0.0.1", port });
  const workers: WorkerRole[] = options.worker === false ? [] : [await startWorkerRole(ctx)];
  const { key } = await ctx.apiKeys.create({ name: "test integration", role: "INTEGRATION" });

  const stack: NotifyStack = {
    env,
    ctx,
    app,
    get worker() {
      return workers[0] ?? null;
    },
    zalo,
    telegram,
    twilio,
    baseUrl,
    key,
    databaseUrl: database.url,
    async post(path, body, headers = {}) {
      const res = await fetch(baseUrl + path, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    event(overrides = {}) {
      sequence += 1;
      return {
        eventId: `evt-${randomBytes(6).toString("hex")}`,
        dossierCode: `H15.50.05.13-261120-${String(sequence).padStart(4, "0")}${randomBytes(2).readUInt16BE() % 10}`,
        status: "RECEIVED",
        occurredAt: "2026-11-20T09:15:00+07:00",
        procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
        applicant: { fullName: "Nguyễn Văn An", phone: `0912${String((phoneBase + sequence) % 1_000_000).padStart(6, "0")}` },
        communeCode: "29955",
        channel: "COUNTER",
        dueAt: "2026-11-25T17:00:00+07:00",
        ...overrides,
      };
    },
    // A liveness bound: under load (a 2-core machine at load 24) 50 SMS took 20 s to settle.
    async waitFor(probe, what, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value) return value as never;
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async startWorker() {
      const worker = await startWorkerRole(ctx);
      workers.push(worker);
      return worker;
    },
    async close() {
      const step = async (what: string, run: () => Promise<unknown>) => {
        const started = Date.now();
        await run().catch(() => undefined);
        const took = Date.now() - started;
        if (took > 2000 || process.env.MOTCUA_TRACE_CLOSE) process.stderr.write(`[notify-stack] closing ${what} took ${took} ms\n`);
      };
      await step("workers", () => Promise.all(workers.map((w) => w.stop())));
      await step("api", () => app.close());
      await step("queue obliterate", () => ctx.queue.queue.obliterate({ force: true }));
      await step("context", () => ctx.close());
      await step("fakes", () => Promise.all([zalo.stop(), telegram.stop(), twilio.stop()]));
      await step("database", () => database.drop());
    },
  };
  return stack;
}
