import type { FastifyInstance } from "fastify";

export interface HealthChecks {
  postgres(): Promise<void>;
  redis(): Promise<void>;
}

async function check(probe: () => Promise<void>, timeoutMs = 2000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return "ok";
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoutes(app: FastifyInstance, checks: HealthChecks): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    const [postgres, redis] = await Promise.all([check(checks.postgres), check(checks.redis)]);
    const ready = postgres === "ok" && redis === "ok";
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks: { postgres, redis } });
  });
}
