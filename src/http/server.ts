import { configuredChannels } from "../config/env.js";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { AppContext } from "../app/context.js";
import { FailedAuthLimiter } from "../auth/failed-auth-limiter.js";
import { installGuard, type Authenticator } from "./auth.js";
import { clientErrorRefusal, frameworkRefusal, installErrorHandling } from "./errors.js";
import { openApiDocument } from "./openapi.js";
import { installBodyParsers } from "./raw-body.js";
import { registerAdminUnitRoutes } from "./routes/admin-units.js";
import { registerBookingRoutes } from "./routes/bookings.js";
import { registerHamletRoutes } from "./routes/hamlets.js";
import { registerStaffHamletPages } from "./routes/staff-hamlets.js";
import { registerPublicCommunePages } from "./routes/public-commune.js";
import { registerBroadcastRoutes } from "./routes/broadcasts.js";
import { registerStaffBroadcastPages } from "./routes/staff-broadcast-pages.js";
import { registerStaffDossierPages } from "./routes/staff-dossier-pages.js";
import { registerStaffTelegramPages } from "./routes/staff-telegram-pages.js";
import { registerStaffBookingPages } from "./routes/staff-booking-pages.js";
import { registerDossierRoutes } from "./routes/dossiers.js";
import { registerCalendarRoutes } from "./routes/calendar.js";
import { registerStaffCalendarPages } from "./routes/staff-calendar-pages.js";
import { registerDossierFormRoutes } from "./routes/dossier-forms.js";
import { registerReportRoutes } from "./routes/reports.js";
import { registerDossierEventRoutes } from "./routes/dossier-events.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerProcedureRoutes } from "./routes/procedures.js";
import { registerSandboxRoutes } from "./routes/sandbox.js";
import { registerTwilioSmsWebhook, registerTwilioWebhook, type IncomingSms } from "./routes/webhooks/twilio.js";
import { registerZaloWebhook, type ZaloEvent } from "./routes/webhooks/zalo.js";
import { registerAssets } from "../web/pages.js";
import fastifyCookie from "@fastify/cookie";
import { registerAuthRoutes } from "./routes/auth.js";
import { installCsrfCheck, sessionAuthenticator, sessionOf } from "./staff-session.js";
import { registerConsolePages } from "../web/console.js";

export interface HttpOptions {
  /** Where the chat bot takes Zalo user messages (bot role). */
  onZaloUserMessage?: (event: ZaloEvent) => Promise<void>;
  /** Where the chat bot takes citizens' text messages to the Twilio number (api role). */
  onIncomingSms?: (sms: IncomingSms) => Promise<void>;
  /** Extra routes (the bot's web chat and Telegram webhook). */
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>;
  lookupLink?: (dossierCode: string) => string | null;
  /** Ways besides API keys and the staff console's session to find a request's principal, tried when no Authorization header is sent. */
  authenticators?: Authenticator[];
  /** On close, requests under way get this long to finish before their connections are cut. */
  shutdownGraceMs?: number;
}

export async function buildHttpServer(ctx: AppContext, options: HttpOptions = {}): Promise<FastifyInstance> {
  const { env } = ctx;
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    bodyLimit: 5 * 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkRefusal,
    clientErrorHandler: clientErrorRefusal,
    // request.ip: the client's address, read from X-Forwarded-For only behind the proxies named here.
    // A hop count N trusts the N nearest hops (the peer is hop 0): the client is the address the outermost of them saw.
    trustProxy: typeof env.TRUST_PROXY === "number" ? hopsTrusted(env.TRUST_PROXY) : env.TRUST_PROXY,
  });
  installBodyParsers(app);
  installErrorHandling(app, { resumeSession: (request) => sessionOf(request, ctx.staffAccounts) });
  installBoundedClose(app, options.shutdownGraceMs ?? 10_000);
  // Cookies are parsed for every route (before the guard, which reads the console's session
  // cookie); registered once here, the web chat uses it too.
  await app.register(fastifyCookie);
  installGuard(app, {
    keys: ctx.apiKeys,
    failures: new FailedAuthLimiter(ctx.redis, { prefix: env.QUEUE_PREFIX }),
    // The sandbox's messages are open only on a machine where nothing is real: not in production,
    // and with no provider configured (with one, some channels reach real people and the sandbox
    // may hold real numbers and one-time codes).
    open: env.NODE_ENV !== "production" && !Object.values(configuredChannels(env)).some(Boolean) ? ["sandbox:read"] : [],
    // The staff console's session, on every server; then any others given.
    authenticators: [sessionAuthenticator(ctx.staffAccounts), ...(options.authenticators ?? [])],
  });
  installCsrfCheck(app);
  registerHealthRoutes(app, {
    postgres: async () => void (await ctx.pool.query("SELECT 1")),
    redis: async () => void (await ctx.redis.ping()),
  });
  app.get("/openapi.json", async () => openApiDocument(env.PUBLIC_BASE_URL));
  await registerAssets(app);
  await registerProcedureRoutes(app, ctx.catalog, { redis: ctx.redis, prefix: env.QUEUE_PREFIX, perMinute: env.PROCEDURES_RATE_LIMIT });
  registerAdminUnitRoutes(app, ctx.adminUnits);
  registerDossierEventRoutes(app, { ingest: ctx.ingest, lookupLink: options.lookupLink ?? (() => null) });
  registerBookingRoutes(app, { bookings: ctx.bookings });
  registerDossierRoutes(app, { history: ctx.history });
  registerHamletRoutes(app, { hamlets: ctx.hamlets });
  registerStaffHamletPages(app, { hamlets: ctx.hamlets });
  registerPublicCommunePages(app, { pages: ctx.communePages });
  registerBroadcastRoutes(app, { broadcasts: ctx.broadcasts });
  registerStaffBroadcastPages(app, { broadcasts: ctx.broadcasts, db: ctx.db });
  registerStaffDossierPages(app, { history: ctx.history });
  registerCalendarRoutes(app, { calendar: ctx.calendar });
  registerStaffCalendarPages(app, { calendar: ctx.calendar });
  registerStaffTelegramPages(app, { links: ctx.telegramLinks, botUsername: ctx.env.TELEGRAM_BOT_USERNAME ?? null });
  registerDossierFormRoutes(app, { history: ctx.history, apologies: ctx.apologies, handovers: ctx.handovers, ingest: ctx.ingest, lookupLink: options.lookupLink });
  registerStaffBookingPages(app, { bookings: ctx.bookings, postage: env.POSTAL_TARIFF.RESULT_DELIVERY });
  registerReportRoutes(app, { reports: ctx.reports });
  registerSandboxRoutes(app, ctx.db);
  registerAuthRoutes(app, { accounts: ctx.staffAccounts, env });
  registerConsolePages(app, { accounts: ctx.staffAccounts, console: ctx.staffConsole, env, reports: ctx.reports });
  registerTwilioWebhook(app, { authToken: env.TWILIO_AUTH_TOKEN, publicBaseUrl: env.PUBLIC_BASE_URL, receipts: ctx.receipts });
  registerTwilioSmsWebhook(app, {
    authToken: env.TWILIO_AUTH_TOKEN,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    db: ctx.db,
    logger: ctx.logger,
    ...(options.onIncomingSms ? { onMessage: options.onIncomingSms } : {}),
  });
  registerZaloWebhook(app, {
    appId: env.ZALO_APP_ID,
    oaSecretKey: env.ZALO_OA_SECRET_KEY,
    db: ctx.db,
    receipts: ctx.receipts,
    logger: ctx.logger,
    ...(options.onZaloUserMessage ? { onUserMessage: options.onZaloUserMessage } : {}),
  });
  await options.extraRoutes?.(app);
  await app.ready();
  return app;
}

const hopsTrusted = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Node's server.close() waits for every open connection, and a keep-alive client that connects
 * while the server is closing (a provider posting a receipt, say) can hold it for a minute. While
 * closing, idle connections are closed as they appear; whatever is left after the grace is cut.
 */
function installBoundedClose(app: FastifyInstance, graceMs: number): void {
  app.addHook("preClose", (done) => {
    const server = app.server;
    const idle = setInterval(() => server.closeIdleConnections(), 200);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    idle.unref();
    cut.unref();
    server.once("close", () => {
      clearInterval(idle);
      clearTimeout(cut);
    });
    done();
  });
}
