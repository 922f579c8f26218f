/** "HUY", "STOP", /stop, or the same in words ("ngừng nhận thông báo": INTENTS.stop): opts this chat out of every notice and announcement. */
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import type { Feature } from "../engine/engine.js";
import { Utterance } from "../intents/match.js";
import { INTENTS } from "../intents/vocabulary.js";
import { optOutText } from "../messages/vi.js";

export function optOutFeature(subscriptions: SubscriptionService): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const { channel, id } = ctx.inbound.conversation;
    if (m.kind !== "text" || !new Utterance(m.text).is(INTENTS.stop)) return next();
    if (channel === "WEB") return void ctx.reply({ text: optOutText.nothingOnWeb });
    await subscriptions.optOut(channel, id);
    ctx.reply({ text: optOutText.done });
  };
}
