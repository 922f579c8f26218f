/**
 * A bot built from small features, tried in order, each either answering or passing on (the
 * composer shape of grammY), with one error boundary around them all.
 */
import type { Logger } from "pino";
import { botText } from "../messages/vi.js";
import type { SessionStore } from "./session-store.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Button, Inbound, InboundMessage, Reply, Session } from "./types.js";

/** On channels without buttons, a reply that is a button's label, or its number, presses it. */
export function asButtonPress(message: Inbound, buttons: Button[]): Inbound {
  if (message.kind !== "text" || buttons.length === 0) return message;
  const key = searchKey(message.text);
  const number = /^\d{1,2}$/.test(key) ? Number(key) : NaN;
  if (number >= 1 && number <= buttons.length && buttons.length > 0 && !/^\d{4}$/.test(key)) return { kind: "button", data: buttons[number - 1]!.data };
  const byLabel = buttons.find((b) => searchKey(b.label) === key);
  return byLabel ? { kind: "button", data: byLabel.data } : message;
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

export interface TurnContext {
  inbound: InboundMessage;
  sessions: SessionStore;
  session: Session;
  replies: Reply[];
  reply(reply: Reply): void;
}

export type Feature = (ctx: TurnContext, next: () => Promise<void>) => Promise<void>;

export const MAX_INPUT_LENGTH = 500;
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
    if (inbound.message.kind === "text" && inbound.message.text.length > MAX_INPUT_LENGTH) return [{ text: botText.tooLong(MAX_INPUT_LENGTH) }];
    inbound = { ...inbound, message: asButtonPress(withoutFormatCharacters(inbound.message), session.lastButtons ?? []) };
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
    session.lastButtons = ctx.replies.flatMap((r) => (r.buttons ?? []).flat()).filter((b) => b.data !== "share-contact").slice(0, 12);
    await this.sessions.save(channel, id, session);
    return ctx.replies.length ? ctx.replies : [{ text: botText.notUnderstood, buttons: [[{ label: botText.menuButton, data: "menu" }]] }];
  }

  private async run(ctx: TurnContext, index: number): Promise<void> {
    const feature = this.features[index];
    if (!feature) return;
    await feature(ctx, () => this.run(ctx, index + 1));
  }
}
