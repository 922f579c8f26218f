/**
 * A staff member links this Telegram chat to their console account with the one-time code the
 * console showed them: "/lienket 12345678" (also "liên kết 12345678"), or the deep link
 * t.me/<bot>?start=staff_<code> (the Telegram adapter turns it into the same command). The chat
 * then gets the overdue watch's morning digest. Answers in Vietnamese; a wrong code is refused
 * without a word about any account (src/staff/telegram-link.ts).
 */
import type { TelegramLinkService } from "../../src/staff/telegram-link.js";
import { STAFF_LINK_TEXT } from "../../src/text/staff-vi.js";
import type { Feature } from "../engine/engine.js";
import { Utterance } from "../intents/match.js";
import { INTENTS } from "../intents/vocabulary.js";

export function staffLinkFeature(links: TelegramLinkService): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    if (m.kind !== "text") return next();
    const raw = m.text.trim();
    // the command (its @botname dropped), then the code, in words ("1234 5678" too)
    const rest = new Utterance(raw.replace(/^\/(\w+)@\w+/, "$1")).after(INTENTS.staffLink);
    // The command itself (/lienket …), or "liên kết" followed by digits only: a citizen's "liên kết Zalo" is not it.
    if (rest === null || !(raw.startsWith("/") || (rest.length > 0 && rest.every((t) => /^\d+$/.test(t.key))))) return next();
    const { channel, id } = ctx.inbound.conversation;
    if (channel !== "TELEGRAM") return void ctx.reply({ text: STAFF_LINK_TEXT.onlyTelegram });
    const code = rest.map((t) => t.key).join("");
    if (!code) return void ctx.reply({ text: STAFF_LINK_TEXT.usage });
    const result = await links.redeem(id, code);
    if (result.ok) return void ctx.reply({ text: STAFF_LINK_TEXT.linked(result.fullName, result.unitName) });
    if (result.reason === "too-many-tries") return void ctx.reply({ text: STAFF_LINK_TEXT.tooManyTries(Math.ceil(result.retryAfterSeconds / 60)) });
    ctx.reply({ text: STAFF_LINK_TEXT.refused });
  };
}
