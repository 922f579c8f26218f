/**
 * The whole configuration: one zod schema over the environment, parsed once.
 * Every problem is reported with the variable's name and what it should look like.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { AppError } from "../errors.js";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const httpUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { message: "must be an http(s) URL" })
    .transform((v) => v.replace(/\/+$/, ""));

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface QuietHours {
  /** Minutes after midnight, Asia/Ho_Chi_Minh. */
  startMinute: number;
  endMinute: number;
}

const quietHours = z
  .string()
  .trim()
  .default("22:00-06:00")
  .transform((value, ctx): QuietHours | null => {
    if (value.toLowerCase() === "off") return null;
    const [start, end, ...rest] = value.split("-");
    const s = start?.trim().match(HHMM);
    const e = end?.trim().match(HHMM);
    if (!s || !e || rest.length > 0) {
      ctx.addIssue({ code: "custom", message: 'must be "HH:MM-HH:MM" (e.g. 22:00-06:00) or "off"' });
      return z.NEVER;
    }
    const startMinute = Number(s[1]) * 60 + Number(s[2]);
    const endMinute = Number(e[1]) * 60 + Number(e[2]);
    if (startMinute === endMinute) {
      ctx.addIssue({ code: "custom", message: "start and end must differ (use off to disable)" });
      return z.NEVER;
    }
    return { startMinute, endMinute };
  });

const postgresUrl = z
  .string()
  .trim()
  .default("postgresql://postgres@127.0.0.1:5432/motcua")
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
    message: "must be a PostgreSQL URL such as postgresql://user@127.0.0.1:5432/motcua",
  })
  .refine((v) => !URL.canParse(v) || new URL(v).pathname.replace(/^\//, "") !== "", {
    message: "must name a database, e.g. …:5432/motcua",
  });

const redisUrl = z
  .string()
  .trim()
  .default("redis://127.0.0.1:6379")
  .refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), {
    message: "must be a Redis URL such as redis://127.0.0.1:6379",
  });

const port = z.coerce
  .number({ message: "must be a number" })
  .int("must be a whole number")
  .min(0, "must be between 0 and 65535")
  .max(65535, "must be between 0 and 65535");

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"], { message: "must be development, test or production" }).default("development"),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        message: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    DATABASE_POOL_SIZE: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(2, "must be at least 2").max(200, "must be at most 200").default(20),
    HOST: z.string().trim().min(1).default("127.0.0.1"),
    PORT: port.default(3000),
    // Without it: http://HOST:PORT (see the transform below).
    PUBLIC_BASE_URL: z
      .string()
      .trim()
      .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { message: "must be an http(s) URL" })
      .transform((v) => v.replace(/\/+$/, ""))
      .optional(),

    TELEGRAM_BOT_TOKEN: optionalText.refine((v) => v === undefined || /^\d+:[\w-]{20,}$/.test(v), {
      message: 'must look like "123456789:AA…" (the token BotFather gives)',
    }),
    TELEGRAM_API_ROOT: httpUrl("https://api.telegram.org"),
    /** The bot's @username (without the @): the public commune poster's QR code opens t.me/<it>?start=xa_<commune>. */
    TELEGRAM_BOT_USERNAME: optionalText
      .transform((v) => v?.replace(/^@/, ""))
      .refine((v) => v === undefined || /^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(v), { message: 'must be the bot\'s username, e.g. "motcua_bot" (5 to 32 letters, digits, _)' }),
    TELEGRAM_WEBHOOK_SECRET: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), {
      message: "may only hold A-Z, a-z, 0-9, _ and - (1 to 256 characters)",
    }),

    ZALO_APP_ID: optionalText,
    ZALO_APP_SECRET: optionalText,
    ZALO_OA_SECRET_KEY: optionalText,
    /** The Official Account's id: the public commune poster's QR code opens https://zalo.me/<it>. */
    ZALO_OA_ID: optionalText.refine((v) => v === undefined || /^\d{5,30}$/.test(v), { message: "must be the OA's numeric id (as in https://zalo.me/<id>)" }),
    ZALO_REFRESH_TOKEN: optionalText,
    ZALO_OA_API_BASE: httpUrl("https://openapi.zalo.me"),
    ZALO_ZNS_API_BASE: httpUrl("https://business.openapi.zalo.me"),
    ZALO_OAUTH_BASE: httpUrl("https://oauth.zaloapp.com"),

    TWILIO_ACCOUNT_SID: optionalText.refine((v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v), {
      message: 'must be "AC" followed by 32 hexadecimal characters',
    }),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM: optionalText,
    TWILIO_MESSAGING_SERVICE_SID: optionalText.refine((v) => v === undefined || /^MG[0-9a-fA-F]{32}$/.test(v), {
      message: 'must be "MG" followed by 32 hexadecimal characters',
    }),
    TWILIO_API_BASE: httpUrl("https://api.twilio.com"),
    TWILIO_MAX_PER_SECOND: z.coerce.number({ message: "must be a number" }).positive("must be above 0").default(10),

    ZNS_TEMPLATES: z
      .string()
      .trim()
      .default("")
      .transform((value, ctx): Record<string, string> => {
        // "RECEIVED=7895417a7d3f9461cd2e,RESULT_READY=…": the approved template id per notice type.
        const map: Record<string, string> = {};
        for (const pair of value.split(",").map((p) => p.trim()).filter(Boolean)) {
          const [type, id] = pair.split("=").map((p) => p.trim());
          if (!type || !id || !/^[A-Z_]+$/.test(type)) {
            ctx.addIssue({ code: "custom", message: 'must be a list of NOTICE_TYPE=templateId separated by commas' });
            return z.NEVER;
          }
          map[type] = id;
        }
        return map;
      }),
    ZNS_MODE: z.enum(["production", "development"], { message: "must be production or development" }).default("production"),

    PROVIDER_TIMEOUT_MS: z.coerce.number({ message: "must be a number" }).int().min(100, "must be at least 100").max(120_000, "must be at most 120000").default(10_000),
    POSTAL_TARIFF: z
      .string()
      .trim()
      .default("RESULT_DELIVERY=25000,DOSSIER_COLLECTION=25000")
      .transform((value, ctx) => {
        // Postage in đồng per booking kind, e.g. "RESULT_DELIVERY=25000,DOSSIER_COLLECTION=30000".
        const tariff = { RESULT_DELIVERY: 25000, DOSSIER_COLLECTION: 25000 };
        for (const pair of value.split(",").map((p) => p.trim()).filter(Boolean)) {
          const [kind, amount] = pair.split("=").map((p) => p.trim());
          if ((kind !== "RESULT_DELIVERY" && kind !== "DOSSIER_COLLECTION") || !/^\d{1,7}$/.test(amount ?? "")) {
            ctx.addIssue({ code: "custom", message: "must be RESULT_DELIVERY=<đồng>,DOSSIER_COLLECTION=<đồng>" });
            return z.NEVER;
          }
          tariff[kind] = Number(amount);
        }
        return tariff;
      }),
    QUIET_HOURS: quietHours,
    RATE_LIMITS: z.enum(["on", "off"], { message: "must be on or off" }).default("on"),
    QUEUE_PREFIX: z.string().trim().regex(/^[\w-]{1,40}$/, "may hold letters, digits, _ and - (1 to 40)").default("motcua"),
    /** Overrides every notice type's wait for a delivery receipt (ms) before falling back. */
    RECEIPT_DEADLINE_MS: z.coerce.number({ message: "must be a number" }).int().min(100, "must be at least 100").optional(),
    RECONCILE_DELAY_MS: z.coerce.number({ message: "must be a number" }).int().min(100, "must be at least 100").max(600_000, "must be at most 600000").default(10_000),
    RELAY_SWEEP_MS: z.coerce.number({ message: "must be a number" }).int().min(100, "must be at least 100").default(5000),
    CLAIM_LEASE_MS: z.coerce.number({ message: "must be a number" }).int().min(1000, "must be at least 1000").default(120_000),
    /**
     * How many processes serve `serve --role api` (node:cluster, one port): 1 (the default) runs the API in the
     * process itself; N > 1 makes that process a primary that forks N API processes; "auto": one per CPU core
     * (os.availableParallelism()), at most 32.
     */
    API_PROCESSES: z
      .string()
      .trim()
      .default("1")
      .transform((value, ctx): number => {
        if (value.toLowerCase() === "auto") return Math.min(32, Math.max(1, availableParallelism()));
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 32) {
          ctx.addIssue({ code: "custom", message: 'must be a whole number from 1 to 32, or "auto" (one per CPU core)' });
          return z.NEVER;
        }
        return Number(value);
      }),
    WORKER_CONCURRENCY: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(500, "must be at most 500").default(50),
    /** Signs the web chat's conversation cookie. Required in production; elsewhere random per process when unset. */
    WEB_CHAT_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, { message: "must be at least 32 characters (e.g. openssl rand -hex 32)" }),
    /** Requests to POST /api/v1/chat per client IP address per minute (counted in Redis). */
    /** Announcements: at most this many to one Zalo follower a day (Zalo's rule for messages to followers). */
    BROADCAST_ZALO_PER_FOLLOWER_DAY: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(50).default(2),
    /** How often the worker starts scheduled announcements and marks finished ones sent (ms). */
    BROADCAST_TICK_MS: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(200).max(600_000).default(5000),
    /** Estimated cost of one SMS segment, in đồng (announcement previews). */
    SMS_SEGMENT_PRICE_VND: z.coerce.number({ message: "must be a number" }).min(0).max(100_000).default(850),
    /** Estimated cost of one Zalo OA message outside the free 48-hour window (uses the OA's quota), in đồng. */
    ZALO_MESSAGE_PRICE_VND: z.coerce.number({ message: "must be a number" }).min(0).max(100_000).default(110),
    WEB_CHAT_RATE_LIMIT: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(100_000).default(60),
    PROCEDURES_RATE_LIMIT: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(100_000).default(120),
    /** Which proxies' X-Forwarded-For to believe for the client IP: off, true (any), or addresses/CIDRs separated by commas. */
    TRUST_PROXY: z
      .string()
      .trim()
      .default("off")
      // "true" means one proxy in front (the address it saw, X-Forwarded-For's last entry), never
      // "trust every hop": that reads the client's own first entry, which anyone can write.
      .transform((v): false | number | string => (v === "off" || v === "false" ? false : v === "true" ? 1 : /^\d+$/.test(v) ? Number(v) : v)),
    /** A staff member's console session ends after this many seconds without a request (sliding). */
    STAFF_SESSION_IDLE_SECONDS: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(60, "must be at least 60").max(7 * 86400, "must be at most 604800 (7 days)").default(28_800),
    /** Failed sign-ins (or wrong current passwords) that lock a username. */
    STAFF_LOCKOUT_FAILURES: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").default(5),
    /** How long a username stays locked after STAFF_LOCKOUT_FAILURES failures (seconds). */
    STAFF_LOCKOUT_SECONDS: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(86_400, "must be at most 86400").default(900),
    /** Failed sign-ins from one client address (IPv4, or IPv6 /64) within STAFF_LOCKOUT_SECONDS before it is refused. */
    STAFF_SIGNIN_IP_FAILURES: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(10_000, "must be at most 10000").default(20),
    SMS_SEGMENT_BUDGET: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(10).default(2),
    /** GSM-7 segments one bot reply by SMS may use (a longer answer is cut, saying where to read it whole). */
    SMS_REPLY_SEGMENT_BUDGET: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1).max(10).default(3),
    /** Bot replies by SMS to one phone in any hour; past it one last message says so (one an hour at most), then nothing until the oldest reply is an hour old. */
    SMS_REPLIES_PER_HOUR: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1000, "must be at most 1000").default(20),
    /** Bot replies by SMS in any hour over every phone together (a sender rotating numbers stays under each phone's limit); past it no one is answered by SMS until the hour's oldest reply is an hour old, and the log says so. */
    SMS_REPLIES_PER_HOUR_TOTAL: z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000").default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.WEB_CHAT_SECRET) {
      ctx.addIssue({ code: "custom", path: ["WEB_CHAT_SECRET"], message: "is required in production (it signs the web chat's conversation cookie; e.g. openssl rand -hex 32)" });
    }
    const zalo = ["ZALO_APP_ID", "ZALO_APP_SECRET", "ZALO_REFRESH_TOKEN"] as const;
    const zaloSet = zalo.filter((k) => env[k] !== undefined);
    if (zaloSet.length > 0 && zaloSet.length < zalo.length) {
      for (const key of zalo.filter((k) => env[k] === undefined)) {
        ctx.addIssue({ code: "custom", path: [key], message: `is required with ${zaloSet.join(", ")} (Zalo needs all three)` });
      }
    }
    const twilioAny = env.TWILIO_ACCOUNT_SID ?? env.TWILIO_AUTH_TOKEN ?? env.TWILIO_FROM ?? env.TWILIO_MESSAGING_SERVICE_SID;
    if (twilioAny !== undefined) {
      if (!env.TWILIO_ACCOUNT_SID) ctx.addIssue({ code: "custom", path: ["TWILIO_ACCOUNT_SID"], message: "is required for SMS through Twilio" });
      if (!env.TWILIO_AUTH_TOKEN) ctx.addIssue({ code: "custom", path: ["TWILIO_AUTH_TOKEN"], message: "is required for SMS through Twilio" });
      if (!env.TWILIO_FROM && !env.TWILIO_MESSAGING_SERVICE_SID) {
        ctx.addIssue({ code: "custom", path: ["TWILIO_FROM"], message: "or TWILIO_MESSAGING_SERVICE_SID is required for SMS through Twilio" });
      }
    }
  })
  .transform((env) => ({
    ...env,
    // Without a secret (never in production) each process signs with its own: cookies last as long as the process.
    WEB_CHAT_SECRET: env.WEB_CHAT_SECRET ?? randomBytes(32).toString("hex"),
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://${env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST}:${env.PORT}`,
  }));

export type Env = z.output<typeof envSchema>;

export type ChannelName = "telegram" | "zalo" | "zns" | "sms";

/** Which channels have credentials; the rest are served by the sandbox. */
export function configuredChannels(env: Env): Record<ChannelName, boolean> {
  const zalo = Boolean(env.ZALO_APP_ID && env.ZALO_APP_SECRET && env.ZALO_REFRESH_TOKEN);
  return {
    telegram: Boolean(env.TELEGRAM_BOT_TOKEN),
    zalo,
    zns: zalo,
    sms: Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && (env.TWILIO_FROM || env.TWILIO_MESSAGING_SERVICE_SID)),
  };
}

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super("CONFIG_INVALID", `Cấu hình không hợp lệ / invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Parses an environment; throws ConfigError listing every problem, one line per variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join(".") || "environment";
    const given = typeof issue.path[0] === "string" ? cleaned[issue.path[0]] : undefined;
    const shown = given === undefined ? "" : ` (got "${/TOKEN|SECRET|KEY|PASSWORD/.test(key) ? "…" : given}")`;
    return `${key} ${issue.message}${shown}`;
  });
  throw new ConfigError(problems);
}

let cached: Env | undefined;

/** The process environment, parsed once. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
