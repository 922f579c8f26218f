/** "HUY", "STOP", /stop: opts this chat out of every notice and announcement. */
import type { Db } from "../../src/db/client.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature } from "../engine/engine.js";
import { optOutText } from "../messages/vi.js";

const STOP = /^(\/stop|stop|huy|huy dang ky|ngung|ngung nhan|tu choi)$/;

export function optOutFeature(db: Db): Feature {
  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const { channel, id } = ctx.inbound.conversation;
    if (m.kind !== "text" || !STOP.test(searchKey(m.text))) return next();
    if (channel === "WEB") return void ctx.reply({ text: optOutText.nothingOnWeb });
    const now = new Date();
    const identity = await db.channelIdentity.upsert({
      where: { channel_externalId: { channel, externalId: id } },
      create: { channel, externalId: id, optedOutAt: now, lastInteractionAt: now },
      update: { optedOutAt: now, lastInteractionAt: now },
    });
    await db.subscription.updateMany({ where: { identityId: identity.id, cancelledAt: null }, data: { cancelledAt: now } });
    ctx.reply({ text: optOutText.done });
  };
}
