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

export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env = parseEnv({ ...process.env, PORT: "0", ...overrides });
  const ctx = createAppContext(env, createLogger({ level: "silent" }));
  const bot = createBot({ redis: ctx.redis, db: ctx.db, catalog: ctx.catalog, logger: ctx.logger, prefix: `test${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}` });
  const app = await buildHttpServer(ctx, { extraRoutes: (a) => registerWebChat(a, bot) });
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
