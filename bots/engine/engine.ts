/**
 * A bot built from small features, tried in order, each either answering or passing on (the
 * composer shape of grammY), with one error boundary around them all.
 */
import type { Logger } from "pino";
import { botText } from "../messages/vi.js";
import type { SessionStore } from "./session-store.js";
import { asTyped, searchKey } from "../../src/text/vietnamese.js";
import { MAX_QUERY_LENGTH } from "../../src/catalog/catalog-service.js";
import type { Button, ConversationChannel, Inbound, InboundMessage, Reply, Session } from "./types.js";

/** The choices of a turn remembered for a number or a label typed back. */
const MOST_CHOICES_REMEMBERED = 12;
/**
 * Choices an SMS lists at most (more does not fit a budget): only those are remembered on SMS, so a
 * number or a label typed back picks a choice the SMS showed, never one it left out.
 */
export const SMS_MOST_CHOICES = 6;
const CHOICES_SHOWN: Partial<Record<ConversationChannel, number>> = { SMS: SMS_MOST_CHOICES };

/** Numbers said in words, as a choice is picked ("cái thứ hai", "số ba"). */
const NUMBER_WORDS: Record<string, number> = { nhat: 1, mot: 1, hai: 2, ba: 3, bon: 4, tu: 4, nam: 5, sau: 6, bay: 7, tam: 8, chin: 9, muoi: 10 };
/** A choice picked by its place: "2", "số 2", "chọn số 2", "cái thứ hai", "thứ nhất ạ". */
const BY_PLACE = /^(?:(?:chon|lay|cai|so|loai|muc|thu)\s+)*(\d{1,2}|nhat|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)(?:\s+(?:a|ah|ak|nhe|nha|di|em|oi))*$/;
/** Words that only say a choice is being picked ("chọn cái cấp lại ạ"): the rest of the message names it. */
const PICKING = new Set(["chon", "lay", "cai", "loai", "la", "a", "ah", "ak", "nhe", "nha", "di", "em", "oi", "toi", "minh", "hoi", "muon"]);
const MOST_PICKING_WORDS = 6;

/**
 * On channels without buttons, a reply that is a button's label, or its number, presses it. Among
 * procedures offered as choices (every button a procedure), the choice may also be picked by its
 * place said in words ("số 2", "cái thứ hai") or by words of its label that no other label has all
 * of ("cấp lại" for "Cấp lại (bị mất)", "toàn trình").
 */
export function asButtonPress(message: Inbound, buttons: Button[]): Inbound {
  if (message.kind !== "text" || buttons.length === 0) return message;
  const key = searchKey(message.text);
  const number = /^\d{1,2}$/.test(key) ? Number(key) : NaN;
  if (number >= 1 && number <= buttons.length && buttons.length > 0 && !/^\d{4}$/.test(key)) return { kind: "button", data: buttons[number - 1]!.data };
  const byLabel = buttons.find((b) => searchKey(b.label) === key);
  if (byLabel) return { kind: "button", data: byLabel.data };
  if (!buttons.every((b) => b.data.startsWith("proc:"))) return message;
  const place = BY_PLACE.exec(key)?.[1];
  if (place !== undefined) {
    const n = /^\d+$/.test(place) ? Number(place) : NUMBER_WORDS[place]!;
    return n >= 1 && n <= buttons.length ? { kind: "button", data: buttons[n - 1]!.data } : message;
  }
  const words = key.replace(/\b(truong hop|thu tuc)\b/g, " ").split(/\s+/).filter((w) => w !== "" && !PICKING.has(w));
  if (words.length === 0 || words.length > MOST_PICKING_WORDS) return message;
  const having = buttons.filter((b) => {
    const label = new Set(searchKey(b.label).split(/\s+/));
    return words.every((w) => label.has(w));
  });
  return having.length === 1 ? { kind: "button", data: having[0]!.data } : message;
}

/**
 * Invisible format characters that a copy and paste brings along (zero-width spaces and joiners,
 * bidi marks, a byte-order mark, a soft hyphen) are not part of what was said: inside a word they
 * split it ("đ\u200Băng ký" is "đăng ký"). A text of nothing else is empty.
 */
export function withoutFormatCharacters(message: Inbound): Inbound {
  if (message.kind !== "text" || !/\p{Cf}/u.test(message.text)) return message;
  const text = message.text.replace(/\p{Cf}/gu, "");
  return text.trim() === "" ? { kind: "unsupported", what: "empty" } : { kind: "text", text: text.trim() };
}

/**
 * A text read as the characters it shows (`asTyped`): "ＨＵＹ" is "HUY", a proof "５６０１" is
 * "5601", a code "Ｈ１５.５０…" is "H15.50…" — for every feature at once.
 */
export function folded(message: Inbound): Inbound {
  return message.kind === "text" ? { kind: "text", text: asTyped(message.text) } : message;
}

export interface TurnContext {
  inbound: InboundMessage;
  sessions: SessionStore;
  session: Session;
  replies: Reply[];
  reply(reply: Reply): void;
}

export type Feature = (ctx: TurnContext, next: () => Promise<void>) => Promise<void>;

/** The longest text message the bot reads: the search's limit (a citizen's long story). */
export const MAX_INPUT_LENGTH = MAX_QUERY_LENGTH;
export const MESSAGES_PER_MINUTE = 30;

export class ConversationEngine {
  constructor(
    private readonly features: Feature[],
    private readonly sessions: SessionStore,
    private readonly logger: Logger,
  ) {}

  async handle(inbound: InboundMessage): Promise<Reply[]> {
    const { channel, id } = inbound.conversation;
    const session = await this.sessions.begin(channel, id, MESSAGES_PER_MINUTE);
    if (!session) return [{ text: botText.tooFast }];
    const message = folded(inbound.message);
    if (message.kind === "text" && message.text.length > MAX_INPUT_LENGTH) return [{ text: botText.tooLong(MAX_INPUT_LENGTH) }];
    inbound = { ...inbound, message: asButtonPress(withoutFormatCharacters(message), session.lastButtons ?? []) };
    const ctx: TurnContext = {
      inbound,
      sessions: this.sessions,
      session,
      replies: [],
      reply(reply) {
        this.replies.push(reply);
      },
    };
    try {
      await this.run(ctx, 0);
    } catch (error) {
      this.logger.error({ err: error, channel }, "conversation feature failed");
      return [{ text: botText.somethingWentWrong, buttons: [[{ label: botText.menuButton, data: "menu" }]] }];
    }
    session.turns += 1;
    session.lastButtons = ctx.replies
      .flatMap((r) => (r.buttons ?? []).flat())
      .filter((b) => b.data !== "share-contact")
      .slice(0, CHOICES_SHOWN[channel] ?? MOST_CHOICES_REMEMBERED);
    await this.sessions.save(channel, id, session);
    return ctx.replies.length ? ctx.replies : [{ text: botText.notUnderstood, buttons: [[{ label: botText.menuButton, data: "menu" }]] }];
  }

  private async run(ctx: TurnContext, index: number): Promise<void> {
    const feature = this.features[index];
    if (!feature) return;
    await feature(ctx, () => this.run(ctx, index + 1));
  }
}
