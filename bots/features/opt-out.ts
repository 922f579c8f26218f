/**
 * "HUY", "STOP", /stop, or the same in words ("ngừng nhận thông báo": INTENTS.stop): opts this chat
 * out of every notice and announcement. By SMS, the phone's SMS opt-out (no notice or announcement
 * by SMS to it any more), undone by "BAT LAI" / "START" (INTENTS.resume, only by SMS).
 */
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import type { Feature } from "../engine/engine.js";
import { Utterance } from "../intents/match.js";
import { INTENTS } from "../intents/vocabulary.js";
import { optOutText, smsText } from "../messages/vi.js";

export function optOutFeature(subscriptions: SubscriptionService): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const { channel, id } = ctx.inbound.conversation;
    if (m.kind !== "text") return next();
    const said = new Utterance(m.text);
    if (channel === "SMS" && said.is(INTENTS.resume)) {
      return void ctx.reply({ text: (await subscriptions.smsOptIn(id)) ? smsText.optedIn : smsText.notOptedOut });
    }
    if (!said.is(INTENTS.stop)) return next();
    if (channel === "WEB") return void ctx.reply({ text: optOutText.nothingOnWeb });
    if (channel === "SMS") {
      await subscriptions.smsOptOut(id);
      return void ctx.reply({ text: smsText.optedOut });
    }
    await subscriptions.optOut(channel, id);
    ctx.reply({ text: optOutText.done });
  };
}
