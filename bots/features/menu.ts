/** Greeting, menu, help, and platform content the bot cannot read. */
import type { Feature } from "../engine/engine.js";
import { Utterance } from "../intents/match.js";
import { COMPOUNDS, INTENTS } from "../intents/vocabulary.js";
import { botText } from "../messages/vi.js";

export const menuFeature: Feature = async (ctx, next) => {
  const m = ctx.inbound.message;
  if (m.kind === "unsupported") {
    ctx.reply({ text: botText.unsupported(m.what), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return;
  }
  if (m.kind === "location") {
    ctx.reply({ text: botText.location, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    return;
  }
  if (m.kind === "contact" && !ctx.session.pendingCode) {
    ctx.reply({ text: botText.contactWithoutLookup, buttons: [[{ label: "Tra cứu hồ sơ", data: "track" }]] });
    return;
  }
  if (m.kind === "button" && m.data === "menu") return showMenu(ctx, false);
  if (m.kind === "button" && m.data === "help") return void ctx.reply({ text: botText.help, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
  if (m.kind === "text") {
    const said = new Utterance(m.text, COMPOUNDS);
    if (said.is(INTENTS.greeting)) return showMenu(ctx, true);
    if (said.is(INTENTS.help)) return void ctx.reply({ text: botText.help, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    // Not while a booking or a lookup waits for an answer ("ok" may be one).
    if (!ctx.session.booking && !ctx.session.pendingCode) {
      if (said.is(INTENTS.thanks)) return void ctx.reply({ text: botText.thanks, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
      if (said.is(INTENTS.bye)) return void ctx.reply({ text: botText.bye });
      if (said.is(INTENTS.ack)) return void ctx.reply({ text: botText.ack, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    }
  }
  // A first message that is a real question gets the welcome too, then the answer; by SMS only the
  // answer (the welcome would take most of the reply's segments).
  if (ctx.session.turns === 0 && ctx.inbound.conversation.channel !== "SMS") ctx.reply({ text: botText.welcome });
  await next();
};

function showMenu(ctx: Parameters<Feature>[0], greet: boolean): void {
  ctx.session.booking = undefined; // the menu leaves any booking or subscription in progress
  ctx.session.area = undefined;
  ctx.session.confirm = undefined; // and any code it waited for
  if (greet || ctx.session.turns === 0) ctx.reply({ text: botText.welcome });
  ctx.reply({ text: botText.menu, buttons: botText.menuButtons });
}
