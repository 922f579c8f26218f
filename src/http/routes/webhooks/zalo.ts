/**
 * Zalo OA webhook: X-ZEvent-Signature verified over the exact bytes; deduplicated on msg_id.
 * - Freshness: the signed `timestamp` (epoch ms) must lie within the last 15 minutes and no more
 *   than 5 minutes ahead. Older (replayed, or delivered very late) and far-future events change
 *   nothing and are answered 200 with `{"ok":false,"ignored":"STALE_EVENT"|"FUTURE_EVENT",…}`:
 *   Zalo retries every non-200 answer, and retrying a stale event only makes it staler.
 * - user_received_message: delivery receipts for OA messages (msg_id) and ZNS (tracking_id).
 * - follow / unfollow: whether the user can receive OA messages, applied in timestamp order: the
 *   identity keeps the timestamp of the last one applied, and an older one arriving later is ignored.
 * - user_send_*: an interaction (opens the 7-day window), handed to the chat bot when one runs;
 *   the bot's reply is written in the background, after the 200.
 */
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { z } from "zod";
import { ForbiddenError } from "../../../auth/api-keys.js";
import { verifyZaloSignature } from "../../../channels/zalo/webhook-signature.js";
import type { Db } from "../../../db/client.js";
import { ValidationError } from "../../../errors.js";
import type { ReceiptService } from "../../../notifications/receipts.js";

export const zaloEventSchema = z
  .object({
    app_id: z.string().optional(),
    event_name: z.string().min(1),
    timestamp: z.union([z.string().regex(/^\d{1,15}$/, "must be epoch milliseconds"), z.number().int().nonnegative()]).transform(String),
    sender: z.object({ id: z.string() }).optional(),
    recipient: z.object({ id: z.string() }).optional(),
    follower: z.object({ id: z.string() }).optional(),
    user_id_by_app: z.string().optional(),
    message: z
      .object({
        msg_id: z.string().optional(),
        msg_ids: z.array(z.string()).optional(),
        text: z.string().optional(),
        tracking_id: z.string().optional(),
        delivery_time: z.union([z.string(), z.number()]).optional(),
        attachments: z.array(z.unknown()).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type ZaloEvent = z.output<typeof zaloEventSchema>;

export interface ZaloWebhookDeps {
  appId: string | undefined;
  oaSecretKey: string | undefined;
  db: Db;
  receipts: ReceiptService;
  logger: Logger;
  /** The chat bot, when this process runs one: gets every user message (already deduplicated). */
  onUserMessage?: (event: ZaloEvent) => Promise<void>;
  /** Events older than this are ignored (default 15 minutes). */
  maxAgeMs?: number;
  /** Events stamped further ahead than this are ignored (default 5 minutes: clock skew). */
  maxAheadMs?: number;
  now?: () => number;
}

export const ZALO_EVENT_MAX_AGE_MS = 15 * 60_000;
export const ZALO_EVENT_MAX_AHEAD_MS = 5 * 60_000;

async function firstTime(db: Db, source: string, externalId: string): Promise<boolean> {
  const inserted = await db.$executeRaw`INSERT INTO "ProcessedWebhook" (source, "externalId") VALUES (${source}, ${externalId}) ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

export function registerZaloWebhook(app: FastifyInstance, deps: ZaloWebhookDeps): void {
  app.post("/webhooks/zalo", async (request, reply) => {
    const raw = request.rawBody ?? "";
    const parsedJson = request.body as { app_id?: string; timestamp?: string | number } | undefined;
    const appId = deps.appId ?? parsedJson?.app_id ?? "";
    if (!deps.oaSecretKey || !verifyZaloSignature(request.headers["x-zevent-signature"] as string | undefined, appId, raw, String(parsedJson?.timestamp ?? ""), deps.oaSecretKey)) {
      throw new ForbiddenError("X-ZEvent-Signature không hợp lệ (invalid Zalo signature)");
    }
    const parsed = zaloEventSchema.safeParse(request.body);
    if (!parsed.success) throw new ValidationError(`Zalo event: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`, { field: parsed.error.issues[0]?.path.join(".") });
    const event = parsed.data;
    const at = Number(event.timestamp);
    const age = (deps.now?.() ?? Date.now()) - at;
    if (age > (deps.maxAgeMs ?? ZALO_EVENT_MAX_AGE_MS) || -age > (deps.maxAheadMs ?? ZALO_EVENT_MAX_AHEAD_MS)) {
      const ignored = age > 0 ? "STALE_EVENT" : "FUTURE_EVENT";
      request.log.warn({ event: event.event_name, ageMs: age }, `zalo event ignored: ${ignored}`);
      return reply.status(200).send({
        ok: false,
        ignored,
        message: age > 0 ? `event timestamp is ${Math.round(age / 1000)} s old; events older than ${Math.round((deps.maxAgeMs ?? ZALO_EVENT_MAX_AGE_MS) / 60_000)} minutes are not applied` : `event timestamp is ${Math.round(-age / 1000)} s in the future`,
      });
    }

    switch (event.event_name) {
      case "user_received_message": {
        const m = event.message;
        if (m?.tracking_id) await deps.receipts.apply({ channel: "ZNS", noticeId: m.tracking_id, ...(m.msg_id ? { providerMessageId: m.msg_id } : {}), status: "delivered" });
        else if (m?.msg_id) await deps.receipts.apply({ channel: "ZALO_OA", providerMessageId: m.msg_id, status: "delivered" });
        break;
      }
      case "follow":
      case "unfollow": {
        const userId = event.follower?.id;
        if (userId) {
          // Only a change newer than the last one applied counts (events arrive in any order).
          const follows = event.event_name === "follow";
          const when = new Date(at);
          await deps.db.$executeRaw`
            INSERT INTO "ChannelIdentity" (id, channel, "externalId", reachable, "followChangedAt", "lastInteractionAt", "updatedAt")
            VALUES (gen_random_uuid(), 'ZALO_OA', ${userId}, ${follows}, ${when}, ${follows ? when : null}, now())
            ON CONFLICT (channel, "externalId") DO UPDATE SET
              reachable = EXCLUDED.reachable,
              "followChangedAt" = EXCLUDED."followChangedAt",
              "lastInteractionAt" = CASE WHEN EXCLUDED.reachable
                THEN GREATEST("ChannelIdentity"."lastInteractionAt", EXCLUDED."lastInteractionAt")
                ELSE "ChannelIdentity"."lastInteractionAt" END,
              "updatedAt" = now()
            WHERE "ChannelIdentity"."followChangedAt" IS NULL OR "ChannelIdentity"."followChangedAt" < EXCLUDED."followChangedAt"`;
        }
        break;
      }
      default: {
        if (!event.event_name.startsWith("user_send_") && event.event_name !== "user_submit_info") break;
        const userId = event.sender?.id;
        const msgId = event.message?.msg_id ?? `${userId}:${event.timestamp}`;
        if (!userId || !(await firstTime(deps.db, "zalo", msgId))) break;
        await deps.db.channelIdentity.upsert({
          where: { channel_externalId: { channel: "ZALO_OA", externalId: userId } },
          create: { channel: "ZALO_OA", externalId: userId, lastInteractionAt: new Date() },
          update: { lastInteractionAt: new Date(), reachable: true },
        });
        if (deps.onUserMessage) {
          // Reply in the background: Zalo only needs the 200.
          deps.onUserMessage(event).catch((error) => deps.logger.error({ err: error }, "zalo bot reply failed"));
        }
      }
    }
    return reply.status(200).send({ ok: true });
  });
}
