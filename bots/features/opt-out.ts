/** "HUY", "STOP", /stop: opts this chat out of every notice and announcement. */
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature } from "../engine/engine.js";
import { optOutText } from "../messages/vi.js";

const STOP = /^(\/stop|stop|huy|huy dang ky|ngung|ngung nhan|tu choi)$/;

export function optOutFeature(subscriptions: SubscriptionService): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const { channel, id } = ctx.inbound.conversation;
    if (m.kind !== "text" || !STOP.test(searchKey(m.text))) return next();
    if (channel === "WEB") return void ctx.reply({ text: optOutText.nothingOnWeb });
    await subscriptions.optOut(channel, id);
    ctx.reply({ text: optOutText.done });
  };
}
