/**
 * Telegram adapter: telegraf receives updates (long polling, or a webhook checked with
 * X-Telegram-Bot-Api-Secret-Token), turns them into the engine's messages, and sends the replies
 * back with inline buttons (a "share contact" keyboard where the engine asks for the phone).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Telegraf, type Context } from "telegraf";
import type { Update } from "telegraf/types";
import type { Logger } from "pino";
import type { ConversationEngine } from "../engine/engine.js";
import type { Inbound, Reply } from "../engine/types.js";
import type { Db } from "../../src/db/client.js";
import { splitText } from "../../src/text/clip.js";

/** The Bot API's limit on one message's text, in UTF-16 units. */
const TELEGRAM_TEXT_LIMIT = 4096;

export function toInbound(update: Update): Inbound | null {
  if ("callback_query" in update) {
    const data = (update.callback_query as { data?: string }).data;
    return data ? { kind: "button", data } : null;
  }
  if (!("message" in update)) return null;
  const m = update.message as unknown as Record<string, any>;
  if (typeof m.text === "string") {
    // A deep link's payload (t.me/<bot>?start=xa_<commune>, the commune poster's QR code) starts that commune's subscription.
    const deepLink = /^\/start(?:@\w+)?\s+xa_(\d{1,10})$/.exec(m.text.trim());
    if (deepLink) return { kind: "button", data: `area-start:${deepLink[1]}` };
    // A staff member's link code (t.me/<bot>?start=staff_<code>, from the console): the /lienket command.
    const staffLink = /^\/start(?:@\w+)?\s+staff_(\w{1,32})$/.exec(m.text.trim());
    if (staffLink) return { kind: "text", text: `/lienket ${staffLink[1]}` };
    return { kind: "text", text: m.text };
  }
  if (m.contact) return { kind: "contact", phone: String(m.contact.phone_number), own: m.contact.user_id !== undefined && m.contact.user_id === m.from?.id };
  if (m.location) return { kind: "location", latitude: m.location.latitude, longitude: m.location.longitude };
  if (m.sticker) return { kind: "unsupported", what: "sticker" };
  if (m.photo) return { kind: "unsupported", what: "image" };
  if (m.voice || m.audio) return { kind: "unsupported", what: "audio" };
  if (m.video || m.video_note) return { kind: "unsupported", what: "video" };
  if (m.document) return { kind: "unsupported", what: "file" };
  return { kind: "unsupported", what: "other" };
}

export function replyMarkup(reply: Reply): Record<string, unknown> | undefined {
  const rows = reply.buttons ?? [];
  if (rows.length === 0) return undefined;
  const flat = rows.flat();
  if (flat.some((b) => b.data === "share-contact")) {
    return { keyboard: [[{ text: flat.find((b) => b.data === "share-contact")!.label, request_contact: true }]], resize_keyboard: true, one_time_keyboard: true };
  }
  return { inline_keyboard: rows.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data.slice(0, 64) }))) };
}

export function createTelegramBot(options: { token: string; apiRoot: string; engine: ConversationEngine; logger: Logger }): Telegraf {
  const bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot.endsWith("/") ? options.apiRoot : `${options.apiRoot}/` } });
  bot.on("callback_query", async (ctx, next) => {
    await ctx.answerCbQuery().catch(() => undefined);
    return next();
  });
  bot.use(async (ctx: Context) => {
    const chatId = ctx.chat?.id;
    const inbound = toInbound(ctx.update);
    if (chatId === undefined || !inbound || ctx.chat?.type !== "private") return;
    const replies = await options.engine.handle({ conversation: { channel: "TELEGRAM", id: String(chatId) }, message: inbound });
    for (const reply of replies) {
      const markup = replyMarkup(reply);
      // a long answer (a procedure with many documents) in several messages, none of it cut off:
      // the source line at its end too; the buttons under the last one
      const parts = splitText(reply.text, TELEGRAM_TEXT_LIMIT);
      for (const [i, part] of parts.entries()) {
        await ctx.telegram.sendMessage(chatId, part, {
          link_preview_options: { is_disabled: true },
          ...(markup && i === parts.length - 1 ? { reply_markup: markup as never } : {}),
        });
      }
    }
  });
  bot.catch((error) => options.logger.error({ err: error }, "telegram update failed"));
  return bot;
}

/**
 * Webhook mode: Telegram posts updates to `${publicBaseUrl}/webhooks/telegram` with the secret in
 * X-Telegram-Bot-Api-Secret-Token; anything without it is refused. Each update is taken once: its
 * `update_id` is recorded (ProcessedWebhook) before the turn runs, so an update Telegram delivers
 * again (it retries when an answer is slow or lost) or one replayed is answered 200 and changes
 * nothing — a proof is not counted twice, a one-time code not sent twice.
 */
export async function registerTelegramWebhook(
  app: import("fastify").FastifyInstance,
  options: { bot: Telegraf; secret: string; publicBaseUrl: string; db: Db; register?: boolean },
): Promise<void> {
  options.bot.botInfo ??= await options.bot.telegram.getMe();
  options.bot.webhookReply = false;
  const secret = createHash("sha256").update(options.secret).digest();
  app.post("/webhooks/telegram", async (request, reply) => {
    const given = request.headers["x-telegram-bot-api-secret-token"];
    if (typeof given !== "string" || !timingSafeEqual(createHash("sha256").update(given).digest(), secret)) {
      return reply.status(403).send({ error: { code: "FORBIDDEN", message: "X-Telegram-Bot-Api-Secret-Token không hợp lệ (invalid secret token)" } });
    }
    const update = request.body as Update;
    const updateId = (update as { update_id?: unknown } | null)?.update_id;
    if (typeof updateId === "number" && Number.isSafeInteger(updateId)) {
      const first = await options.db.$executeRaw`INSERT INTO "ProcessedWebhook" (source, "externalId") VALUES ('telegram', ${`${options.bot.botInfo!.id}:${updateId}`}) ON CONFLICT DO NOTHING`;
      if (first !== 1) return reply.status(200).send({ ok: true, repeated: true });
    }
    await options.bot.handleUpdate(update);
    return reply.status(200).send({ ok: true });
  });
  if (options.register !== false) {
    await options.bot.telegram.setWebhook(`${options.publicBaseUrl}/webhooks/telegram`, { secret_token: options.secret, allowed_updates: ["message", "callback_query"] });
  }
}
