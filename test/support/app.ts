/** Builds the real HTTP server against the test database and Redis, on an ephemeral port. */
import type { FastifyInstance } from "fastify";
import { createAppContext, type AppContext } from "../../src/app/context.js";
import { parseEnv } from "../../src/config/env.js";
import { buildHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/logging/logger.js";
import { createBot } from "../../bots/bot.js";
import { registerWebChat } from "../../bots/adapters/web-chat.js";

export interface TestApp {
  ctx: AppContext;
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

/** The bot's services, as the composition root built them (tests may build an engine of their own over them). */
export function botServices(ctx: AppContext) {
  return ctx.botServices;
}

/**
 * The API with the web chat. Requests from 127.0.0.1 may say which client they stand for in
 * X-Forwarded-For (TRUST_PROXY), so a test can play several web-chat users.
 */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = parseEnv({ ...process.env, PORT: "0", TRUST_PROXY: "127.0.0.1", ...overrides });
  const ctx = createAppContext(env, createLogger({ level: (process.env.TEST_LOG_LEVEL ?? "silent") as "silent" }));
  const prefix = `test${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const bot = createBot({ redis: ctx.redis, services: botServices(ctx), logger: ctx.logger, prefix });
  const app = await buildHttpServer(ctx, {
    extraRoutes: (a) => registerWebChat(a, bot, { secret: env.WEB_CHAT_SECRET, redis: ctx.redis, prefix, perMinute: env.WEB_CHAT_RATE_LIMIT, secureCookie: false }),
  });
  const baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    ctx,
    app,
    baseUrl,
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
