import cluster from "node:cluster";
import { pino, type Logger, type LoggerOptions } from "pino";
import { maskPersonalData, maskPhonesInText, routeForLog } from "./mask.js";

export type { Logger };

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? "info",
    ...(options.name ? { name: options.name } : {}),
    // An API process of a cluster (API_PROCESSES > 1) names itself: several write to one output.
    base: cluster.isWorker ? { pid: process.pid } : undefined,
    // Requests are logged by method and route only: no headers (keys, signatures, cookies), no
    // query values (a citizen's question may hold a phone number in any encoding), phones in the
    // decoded path masked. Fastify hands the serializers its Request and Reply objects.
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, url: routeForLog(String(req.url ?? "")) }),
      res: (res: { statusCode?: number }) => ({ statusCode: typeof res?.statusCode === "number" ? res.statusCode : null }),
      err: pino.stdSerializers.err,
    },
    redact: { paths: ["authorization", "*.authorization", "headers.authorization", "accessToken", "refreshToken", "*.accessToken", "*.refreshToken"], censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => maskPersonalData(object) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === "string" ? maskPhonesInText(a) : a)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

export const rootLogger = createLogger({ name: "motcua" });
