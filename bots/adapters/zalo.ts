/**
 * Zalo OA adapter: user messages arrive on POST /webhooks/zalo (signature checked, deduplicated on
 * msg_id, answered 200 at once); the engine's replies go back through the OA customer-service
 * API. Zalo text messages carry no buttons here, so the choices are listed with numbers: the user
 * answers with the number or the label.
 */
import type { Logger } from "pino";
import type { ZaloOaChannel } from "../../src/channels/zalo/zalo-oa-channel.js";
import type { ZaloEvent } from "../../src/http/routes/webhooks/zalo.js";
import type { ConversationEngine } from "../engine/engine.js";
import type { Inbound, Reply } from "../engine/types.js";
import { splitText } from "../../src/text/clip.js";

/** A customer-service text message's limit (../shared/reference/providers.md). */
const ZALO_TEXT_LIMIT = 2000;

export function zaloInbound(event: ZaloEvent): Inbound | null {
  const m = event.message as { text?: string; attachments?: { type?: string; payload?: { coordinates?: Record<string, string> } }[] } | undefined;
  switch (event.event_name) {
    case "user_send_text":
      return m?.text ? { kind: "text", text: m.text } : null;
    case "user_send_location": {
      const c = m?.attachments?.[0]?.payload?.coordinates ?? {};
      const lat = Number(c.latitude ?? c.lat);
      const lon = Number(c.longitude ?? c.long ?? c.lng);
      return Number.isFinite(lat) && Number.isFinite(lon) ? { kind: "location", latitude: lat, longitude: lon } : { kind: "unsupported", what: "other" };
    }
    case "user_send_sticker":
      return { kind: "unsupported", what: "sticker" };
    case "user_send_image":
    case "user_send_gif":
      return { kind: "unsupported", what: "image" };
    case "user_send_audio":
      return { kind: "unsupported", what: "audio" };
    case "user_send_video":
      return { kind: "unsupported", what: "video" };
    case "user_send_file":
      return { kind: "unsupported", what: "file" };
    default:
      return event.event_name.startsWith("user_send_") ? { kind: "unsupported", what: "other" } : null;
  }
}

/** A reply as Zalo text (≤ 2,000 characters a message), its choices numbered. */
export function zaloTexts(reply: Reply): string[] {
  const choices = (reply.buttons ?? []).flat().filter((b) => b.data !== "share-contact");
  const text = choices.length ? `${reply.text}\n\n${choices.map((b, i) => `${i + 1}. ${b.label}`).join("\n")}\n(Trả lời bằng số hoặc tên lựa chọn)` : reply.text;
  return splitText(text, ZALO_TEXT_LIMIT);
}

export function zaloBotHandler(options: { engine: ConversationEngine; oa: ZaloOaChannel; logger: Logger }): (event: ZaloEvent) => Promise<void> {
  return async (event) => {
    const userId = event.sender?.id;
    const inbound = zaloInbound(event);
    if (!userId || !inbound) return;
    const replies = await options.engine.handle({ conversation: { channel: "ZALO_OA", id: userId }, message: inbound });
    for (const reply of replies) {
      for (const text of zaloTexts(reply)) await options.oa.send({ noticeId: "chat", recipient: userId, text });
    }
  };
}
