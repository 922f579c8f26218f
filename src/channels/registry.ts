/** Builds the channel for each kind: the real provider when it has credentials, the sandbox otherwise. */
import axios from "axios";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { configuredChannels, type Env } from "../config/env.js";
import type pg from "pg";
import type { Channel, DeliveryChannel } from "./channel.js";
import { SandboxChannel } from "./sandbox-channel.js";
import { TelegramChannel } from "./telegram-channel.js";
import { TwilioSmsChannel } from "./twilio-sms-channel.js";
import { MIN_OAUTH_TIMEOUT_MS, ZaloTokenManager } from "./zalo/token-manager.js";
import { ZaloOaChannel } from "./zalo/zalo-oa-channel.js";
import { ZnsChannel } from "./zalo/zns-channel.js";

export interface ChannelSet {
  channels: Map<DeliveryChannel, Channel>;
  zaloTokens: ZaloTokenManager | null;
  sandboxed: DeliveryChannel[];
}

export function buildChannels(env: Env, deps: { pool: pg.Pool; redis: Redis; logger: Logger }): ChannelSet {
  const configured = configuredChannels(env);
  const channels = new Map<DeliveryChannel, Channel>();
  let zaloTokens: ZaloTokenManager | null = null;
  const http = axios.create({ timeout: env.PROVIDER_TIMEOUT_MS });
  if (configured.zalo) {
    zaloTokens = new ZaloTokenManager({
      pool: deps.pool,
      redis: deps.redis,
      logger: deps.logger,
      appId: env.ZALO_APP_ID!,
      appSecret: env.ZALO_APP_SECRET!,
      initialRefreshToken: env.ZALO_REFRESH_TOKEN!,
      oauthBase: env.ZALO_OAUTH_BASE,
      lockKey: `${env.QUEUE_PREFIX}:lock:zalo-token-refresh`,
      http,
      // Never shorter than MIN_OAUTH_TIMEOUT_MS: a refresh given up after Zalo took it loses the pair.
      oauthTimeoutMs: Math.max(env.PROVIDER_TIMEOUT_MS, MIN_OAUTH_TIMEOUT_MS),
    });
    channels.set("ZALO_OA", new ZaloOaChannel(env.ZALO_OA_API_BASE, zaloTokens, http));
    channels.set("ZNS", new ZnsChannel(env.ZALO_ZNS_API_BASE, zaloTokens, env.ZNS_MODE, http));
  }
  if (configured.telegram) channels.set("TELEGRAM", new TelegramChannel({ token: env.TELEGRAM_BOT_TOKEN!, apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: env.PROVIDER_TIMEOUT_MS }));
  if (configured.sms) {
    channels.set(
      "SMS",
      new TwilioSmsChannel({
        accountSid: env.TWILIO_ACCOUNT_SID!,
        authToken: env.TWILIO_AUTH_TOKEN!,
        ...(env.TWILIO_FROM ? { from: env.TWILIO_FROM } : {}),
        ...(env.TWILIO_MESSAGING_SERVICE_SID ? { messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID } : {}),
        apiBase: env.TWILIO_API_BASE,
        statusCallbackBase: env.PUBLIC_BASE_URL,
        timeoutMs: env.PROVIDER_TIMEOUT_MS,
      }),
    );
  }
  const sandboxed: DeliveryChannel[] = [];
  for (const kind of ["TELEGRAM", "ZALO_OA", "ZNS", "SMS"] as const) {
    if (!channels.has(kind)) {
      channels.set(kind, new SandboxChannel(kind, deps.pool));
      sandboxed.push(kind);
    }
  }
  return { channels, zaloTokens, sandboxed };
}
