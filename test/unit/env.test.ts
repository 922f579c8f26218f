import { describe, expect, it } from "vitest";
import { ConfigError, configuredChannels, parseEnv } from "../../src/config/env.js";

const problems = (env: Record<string, string>) => {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
};

describe("environment", () => {
  it("runs the API as one process unless API_PROCESSES says how many (1 to 32, or auto)", () => {
    expect(parseEnv({}).API_PROCESSES).toBe(1);
    expect(parseEnv({ API_PROCESSES: "4" }).API_PROCESSES).toBe(4);
    const auto = parseEnv({ API_PROCESSES: "auto" }).API_PROCESSES;
    expect(auto).toBeGreaterThanOrEqual(1);
    expect(auto).toBeLessThanOrEqual(32);
    for (const bad of ["0", "33", "abc", "1.5", "-2"]) {
      expect(problems({ API_PROCESSES: bad })).toEqual([`API_PROCESSES must be a whole number from 1 to 32, or "auto" (one per CPU core) (got "${bad}")`]);
    }
  });

  it("has working defaults for a local machine, with every channel in the sandbox", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/motcua");
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.PORT).toBe(3000);
    expect(env.PUBLIC_BASE_URL).toBe("http://127.0.0.1:3000");
    // Without PUBLIC_BASE_URL the links follow the port (and host) the service listens on.
    expect(parseEnv({ PORT: "3222" }).PUBLIC_BASE_URL).toBe("http://127.0.0.1:3222");
    expect(env.TELEGRAM_API_ROOT).toBe("https://api.telegram.org");
    expect(env.ZALO_OA_API_BASE).toBe("https://openapi.zalo.me");
    expect(env.ZALO_ZNS_API_BASE).toBe("https://business.openapi.zalo.me");
    expect(env.ZALO_OAUTH_BASE).toBe("https://oauth.zaloapp.com");
    expect(env.TWILIO_API_BASE).toBe("https://api.twilio.com");
    expect(env.QUIET_HOURS).toEqual({ startMinute: 22 * 60, endMinute: 6 * 60 });
    expect(env.SMS_SEGMENT_BUDGET).toBe(2);
    expect(configuredChannels(env)).toEqual({ telegram: false, zalo: false, zns: false, sms: false });
  });

  it("reads quiet hours, and off", () => {
    expect(parseEnv({ QUIET_HOURS: "21:30-05:45" }).QUIET_HOURS).toEqual({ startMinute: 21 * 60 + 30, endMinute: 5 * 60 + 45 });
    expect(parseEnv({ QUIET_HOURS: "off" }).QUIET_HOURS).toBeNull();
    expect(parseEnv({ QUIET_HOURS: "OFF" }).QUIET_HOURS).toBeNull();
  });

  it("bounds the bot's SMS replies in an hour over every phone (SMS_REPLIES_PER_HOUR_TOTAL): 1000 by default, a whole number from 1", () => {
    expect(parseEnv({}).SMS_REPLIES_PER_HOUR_TOTAL).toBe(1000);
    expect(parseEnv({ SMS_REPLIES_PER_HOUR_TOTAL: "250" }).SMS_REPLIES_PER_HOUR_TOTAL).toBe(250);
    expect(problems({ SMS_REPLIES_PER_HOUR_TOTAL: "0" })[0]).toMatch(/^SMS_REPLIES_PER_HOUR_TOTAL .*at least 1/);
    expect(problems({ SMS_REPLIES_PER_HOUR_TOTAL: "lots" })[0]).toMatch(/^SMS_REPLIES_PER_HOUR_TOTAL .*number/);
  });

  it("names each malformed variable, all at once", () => {
    const list = problems({ PORT: "eighty", DATABASE_URL: "mysql://x/y", QUIET_HOURS: "22-6", TELEGRAM_API_ROOT: "not a url", LOG_LEVEL: "loud" });
    expect(list).toHaveLength(5);
    expect(list.find((p) => p.startsWith("PORT "))).toMatch(/number/);
    expect(list.find((p) => p.startsWith("DATABASE_URL "))).toMatch(/PostgreSQL URL/);
    expect(list.find((p) => p.startsWith("QUIET_HOURS "))).toMatch(/HH:MM-HH:MM/);
    expect(list.find((p) => p.startsWith("TELEGRAM_API_ROOT "))).toMatch(/http/);
    expect(list.find((p) => p.startsWith("LOG_LEVEL "))).toMatch(/one of/);
  });

  it("refuses out-of-range ports and a database URL without a database", () => {
    expect(problems({ PORT: "70000" })[0]).toMatch(/^PORT must be between 0 and 65535/);
    expect(problems({ DATABASE_URL: "postgresql://127.0.0.1:5432" })[0]).toMatch(/^DATABASE_URL must name a database/);
  });

  it("asks for the rest of a half-configured provider and never echoes secrets", () => {
    const zalo = problems({ ZALO_APP_ID: "123", ZALO_APP_SECRET: "s3cr3t" });
    expect(zalo).toEqual([expect.stringMatching(/^ZALO_REFRESH_TOKEN is required/)]);
    const twilio = problems({ TWILIO_ACCOUNT_SID: "AC" + "0".repeat(32) });
    expect(twilio.map((p) => p.split(" ")[0])).toEqual(["TWILIO_AUTH_TOKEN", "TWILIO_FROM"]);
    const token = problems({ TELEGRAM_BOT_TOKEN: "oops-secret" });
    expect(token[0]).toMatch(/^TELEGRAM_BOT_TOKEN/);
    expect(token[0]).not.toContain("oops-secret");
  });

  it("marks a channel configured only with its credentials", () => {
    const env = parseEnv({ TELEGRAM_BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ", TWILIO_ACCOUNT_SID: "AC" + "a".repeat(32), TWILIO_AUTH_TOKEN: "t", TWILIO_FROM: "+15005550006" });
    expect(configuredChannels(env)).toEqual({ telegram: true, zalo: false, zns: false, sms: true });
  });

  it("treats empty variables as unset", () => {
    expect(parseEnv({ PORT: "", TELEGRAM_BOT_TOKEN: "" }).PORT).toBe(3000);
  });

  it("requires WEB_CHAT_SECRET in production, and makes a random one per process elsewhere", () => {
    expect(problems({ NODE_ENV: "production" }).join("\n")).toMatch(/^WEB_CHAT_SECRET is required in production/m);
    expect(problems({ WEB_CHAT_SECRET: "short" }).join("\n")).toMatch(/^WEB_CHAT_SECRET must be at least 32 characters .*\(got "…"\)$/m);
    const secret = "s".repeat(40);
    expect(parseEnv({ NODE_ENV: "production", WEB_CHAT_SECRET: secret }).WEB_CHAT_SECRET).toBe(secret);
    const a = parseEnv({}).WEB_CHAT_SECRET;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(parseEnv({}).WEB_CHAT_SECRET).not.toBe(a);
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: "10.0.0.0/8,127.0.0.1" }).TRUST_PROXY).toBe("10.0.0.0/8,127.0.0.1");
    // "true" trusts the one proxy in front, not every hop (whose first entry the client writes); a number is a hop count.
    expect(parseEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(parseEnv({}).WEB_CHAT_RATE_LIMIT).toBe(60);
    expect(parseEnv({}).PROCEDURES_RATE_LIMIT).toBe(120);
  });
});
