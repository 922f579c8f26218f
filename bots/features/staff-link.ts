/**
 * A staff member links this Telegram chat to their console account with the one-time code the
 * console showed them: "/lienket 12345678" (also "liên kết 12345678"), or the deep link
 * t.me/<bot>?start=staff_<code> (the Telegram adapter turns it into the same command). The chat
 * then gets the overdue watch's morning digest. Answers in Vietnamese; a wrong code is refused
 * without a word about any account (src/staff/telegram-link.ts).
 */
import type { TelegramLinkService } from "../../src/staff/telegram-link.js";
import { STAFF_LINK_TEXT } from "../../src/text/staff-vi.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature } from "../engine/engine.js";

/** On the search key (lower case, no diacritics or punctuation): the command, then the code (spaces allowed). */
const COMMAND = /^(?:lienket|lien ket)(?: (.+))?$/;

export function staffLinkFeature(links: TelegramLinkService): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    if (m.kind !== "text") return next();
    const raw = m.text.trim();
    const match = COMMAND.exec(searchKey(raw.replace(/^\/(\w+)@\w+/, "$1")));
    // The command itself (/lienket …), or "liên kết" followed by digits only: a citizen's "liên kết Zalo" is not it.
    if (!match || !(raw.startsWith("/") || /^[\d ]+$/.test(match[1] ?? ""))) return next();
    const { channel, id } = ctx.inbound.conversation;
    if (channel !== "TELEGRAM") return void ctx.reply({ text: STAFF_LINK_TEXT.onlyTelegram });
    const code = match[1]?.replace(/ /g, "");
    if (!code) return void ctx.reply({ text: STAFF_LINK_TEXT.usage });
    const result = await links.redeem(id, code);
    if (result.ok) return void ctx.reply({ text: STAFF_LINK_TEXT.linked(result.fullName, result.unitName) });
    if (result.reason === "too-many-tries") return void ctx.reply({ text: STAFF_LINK_TEXT.tooManyTries(Math.ceil(result.retryAfterSeconds / 60)) });
    ctx.reply({ text: STAFF_LINK_TEXT.refused });
  };
}
