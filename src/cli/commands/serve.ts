import cluster from "node:cluster";
import v8 from "node:v8";
import { configuredChannels, type Env } from "../../config/env.js";
import type { AppContext } from "../../app/context.js";
import type { CoreContext } from "../../app/core-context.js";
import { ensureDatabase, ensureRedis } from "../../db/bootstrap.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { AppError, ValidationError } from "../../errors.js";

export const ROLES = ["all", "api", "worker", "bot"] as const;
export type Role = (typeof ROLES)[number];

export interface ServeOptions {
  role: string;
  port?: string;
  /** Called once every role has started, with the API's address. */
  onListening?: (address: string) => void;
}

/** Checks that PostgreSQL and Redis answer and that the schema is current; one clear sentence otherwise. */
export async function preflight(env: Env): Promise<void> {
  await ensureDatabase(env.DATABASE_URL);
  await ensureRedis(env.REDIS_URL);
  await ensureSchemaCurrent(env.DATABASE_URL);
}

export async function runServe(env: Env, options: ServeOptions): Promise<number> {
  if (!(ROLES as readonly string[]).includes(options.role)) throw new ValidationError(`--role must be one of ${ROLES.join(", ")} (got "${options.role}")`);
  const role = options.role as Role;
  // In an API process forked by the cluster primary (API_PROCESSES > 1), the setting has been acted on.
  const apiPrimary = cluster.isPrimary && env.API_PROCESSES > 1;
  if (apiPrimary && role !== "api") {
    throw new ValidationError(`API_PROCESSES=${env.API_PROCESSES} applies only to serve --role api (got --role ${role}): unset it or set API_PROCESSES=1 for this role`);
  }
  const port = options.port === undefined ? env.PORT : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ValidationError(`--port must be a number from 0 to 65535 (got "${options.port}")`);
  // Listened for before anything starts, the preflight included: a SIGTERM while the roles start (a deploy stopping a
  // fresh process) stops them cleanly once they run, instead of killing the process half-way.
  let requestStop: (signal: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const onSignal = (signal: NodeJS.Signals) => requestStop(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    // The API processes of a cluster start after their primary's preflight.
    if (cluster.isPrimary) await preflight(env);
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    throw error;
  }
  if (apiPrimary) {
    const { runApiCluster } = await import("./api-cluster.js");
    return runApiCluster(env, { processes: env.API_PROCESSES, stopRequested, ...(options.onListening ? { onListening: options.onListening } : {}) });
  }

  if (role === "worker") workerHeapGrowth();
  // A worker process builds only what it runs (no HTTP server, bot, catalog search or console, and
  // no Prisma: its services run SQL on the pg pool).
  const ctx: CoreContext | AppContext = role === "worker" ? (await import("../../app/core-context.js")).createCoreContext(env) : (await import("../../app/context.js")).createAppContext(env);
  const stops: (() => Promise<void>)[] = [];
  try {
    return await serveRoles(env, ctx, role, port, stops, options, stopRequested);
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // A role that failed to start (a port in use, say) must not leave the others running: stop
    // what did start and close every connection, so the process ends with the error.
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await ctx.close().catch(() => undefined);
    throw error;
  }
}

/**
 * How far V8 lets a worker's heap grow past what its last full collection kept alive, in percent.
 * A worker keeps little alive (about 25 MB under load: a heap snapshot at its peak) but allocates
 * fast, for which V8 picks its largest growth factor (4×): bench:notify's worker then peaked with
 * 85–108 MB used of a 110–120 MB heap, and 182–194 MB RSS. At 1.5× it peaks at about 52 MB used
 * of 75 MB and 147 MB RSS. Read by V8 at every full collection, so it can be set after start; an
 * operator's own `--heap-growing-percent` (NODE_OPTIONS or the command line) wins.
 */
export const WORKER_HEAP_GROWING_PERCENT = 50;

function workerHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) => /^--heap[-_]growing[-_]percent\b/.test(a));
  if (!given) v8.setFlagsFromString(`--heap-growing-percent=${WORKER_HEAP_GROWING_PERCENT}`);
}

async function serveRoles(
  env: Env,
  ctx: CoreContext | AppContext,
  role: Role,
  port: number,
  stops: (() => Promise<void>)[],
  options: ServeOptions,
  stopRequested: Promise<string>,
): Promise<number> {
  const log = ctx.logger;
  let listening = "";
  let listen: (() => Promise<void>) | undefined;
  const channels = configuredChannels(env);
  const sandboxed = Object.entries(channels).filter(([, on]) => !on).map(([name]) => name);
  if (sandboxed.length) log.info({ sandboxed }, `no credentials for ${sandboxed.join(", ")}: those channels are served by the sandbox`);

  if (role === "all" || role === "api") {
    const whole = ctx as AppContext; // every role but "worker" has the whole context
    const { buildHttpServer } = await import("../../http/server.js"); // each role loads only what it runs
    const { registerWebChat } = await import("../../../bots/adapters/web-chat.js");
    const bot = whole.bot;
    const { zaloBotHandler } = await import("../../../bots/adapters/zalo.js");
    const { ZaloOaChannel } = await import("../../channels/zalo/zalo-oa-channel.js");
    // Replies to Zalo users go out through the OA channel the worker sends notices with (one token manager).
    const zaloOa = ctx.channels.channels.get("ZALO_OA");
    const telegramWebhook = env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_WEBHOOK_SECRET;
    const { createTelegramBot, registerTelegramWebhook } = await import("../../../bots/adapters/telegram.js");
    const { smsBotHandler } = await import("../../../bots/adapters/sms.js");
    // Citizens' text messages to the Twilio number are answered by SMS through the channel notices go out with.
    const sms = env.TWILIO_AUTH_TOKEN ? ctx.channels.channels.get("SMS") : undefined;
    const app = await buildHttpServer(whole, {
      extraRoutes: async (a) => {
        await registerWebChat(a, bot, { secret: env.WEB_CHAT_SECRET, redis: ctx.redis, prefix: env.QUEUE_PREFIX, perMinute: env.WEB_CHAT_RATE_LIMIT, secureCookie: env.PUBLIC_BASE_URL.startsWith("https:") });
        // With a webhook secret, Telegram posts updates here instead of being long-polled by the bot role.
        if (telegramWebhook) {
          const telegram = createTelegramBot({ token: env.TELEGRAM_BOT_TOKEN!, apiRoot: env.TELEGRAM_API_ROOT, engine: bot, logger: log });
          await registerTelegramWebhook(a, { bot: telegram, secret: env.TELEGRAM_WEBHOOK_SECRET!, publicBaseUrl: env.PUBLIC_BASE_URL, db: whole.db });
        }
      },
      // Zalo users' messages are answered by the same bot, through the OA API.
      ...(zaloOa instanceof ZaloOaChannel ? { onZaloUserMessage: zaloBotHandler({ engine: bot, oa: zaloOa, logger: log }) } : {}),
      ...(sms
        ? {
            onIncomingSms: smsBotHandler({
              engine: bot,
              sms,
              db: whole.db,
              logger: log,
              budget: env.SMS_REPLY_SEGMENT_BUDGET,
              perHour: env.SMS_REPLIES_PER_HOUR,
              perHourTotal: env.SMS_REPLIES_PER_HOUR_TOTAL,
              chatUrl: `${env.PUBLIC_BASE_URL}/chat`,
            }),
          }
        : {}),
    });
    stops.push(() => app.close());
    // The API listens last (below): /readyz answers 200 only once every role of this process runs.
    listen = async () => {
      const address = await app.listen({ host: env.HOST, port }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EADDRINUSE") throw new AppError("SERVICE_UNAVAILABLE", `Port ${port} on ${env.HOST} is already in use (another motcua?); stop that process or set PORT to a free port.`);
        throw error;
      });
      log.info({ role }, `motcua API listening on ${address}`);
      listening = address;
    };
  }
  if (role === "all" || role === "worker") {
    const { startWorkerRole } = await import("../../app/worker-role.js");
    const worker = await startWorkerRole(ctx);
    log.info({ concurrency: env.WORKER_CONCURRENCY }, "notification worker and outbox relay running");
    stops.push(() => worker.stop());
  }
  if ((role === "all" || role === "bot") && env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_WEBHOOK_SECRET) {
    const { createTelegramBot } = await import("../../../bots/adapters/telegram.js");
    const telegram = createTelegramBot({ token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_ROOT, engine: (ctx as AppContext).bot, logger: log });
    // launch() resolves only when polling stops: start it and report failures.
    void telegram.launch({ dropPendingUpdates: false }).catch((error: Error) => log.error({ err: error }, "Telegram polling stopped"));
    log.info("Telegram bot polling for updates");
    stops.push(async () => telegram.stop("shutdown"));
  } else if (role === "bot") {
    throw new AppError(
      "VALIDATION_FAILED",
      env.TELEGRAM_WEBHOOK_SECRET
        ? "With TELEGRAM_WEBHOOK_SECRET set, Telegram updates arrive on the api role's /webhooks/telegram: run --role api (the bot role only long-polls)."
        : "The bot role needs TELEGRAM_BOT_TOKEN (Telegram long polling); the web chat at /chat and Zalo replies run with --role api or all.",
    );
  }
  await listen?.();
  options.onListening?.(listening);
  const signal = await stopRequested;
  log.info({ signal }, "shutting down");
  for (const s of stops.splice(0).reverse()) await s();
  await ctx.close();
  return 0;
}
