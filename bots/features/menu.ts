/** Greeting, menu, help, and platform content the bot cannot read. */
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature } from "../engine/engine.js";
import { botText } from "../messages/vi.js";

const GREETING = /^(\/start|start|menu|\/menu|bat dau|xin chao|chao|chao ban|chao em|hello|hi|alo|a lo)( (ban|em|ad|admin|ak|a))?$/;
const HELP = /^(\/help|help|huong dan|tro giup|giup|giup do|giup toi|cach dung)$/;
// Small talk, matched on the whole message without marks: thanks, a plain "ok", goodbye.
const POLITE = "(em|ban|nhieu|nhe|nha|a|ad|admin|lam|rat nhieu|bot|tro ly|nhe em|nha em|em nhe|em nha|em a|ban nhe|nhieu nhe|nhieu nha|nhieu a)";
const THANKS = new RegExp(`^((da|vang|ok|oke|okay|uh|u|a|vay|the|thi)\\s+)*(cam on|camon|cm on|thanks?|thank you|tks|thx|ty)(\\s+${POLITE})*$`);
const ACK = /^(ok|oke|okay|okie|ok ok|vang|da|da vang|vang a|da a|uh|u|um|uhm|duoc roi|ro roi|hieu roi|da hieu|toi hieu roi|ok em|ok a|ok ban|tot qua|hay qua|tuyet)$/;
const BYE = new RegExp(`^((da|vang|ok|thoi)\\s+)*(tam biet|bye|bye bye|goodbye|hen gap lai|chao nhe|chao em nhe)(\\s+${POLITE})*$`);

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
    const key = searchKey(m.text);
    if (GREETING.test(key)) return showMenu(ctx, true);
    if (HELP.test(key)) return void ctx.reply({ text: botText.help, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    // Not while a booking or a lookup waits for an answer ("ok" may be one).
    if (!ctx.session.booking && !ctx.session.pendingCode) {
      if (THANKS.test(key)) return void ctx.reply({ text: botText.thanks, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
      if (BYE.test(key)) return void ctx.reply({ text: botText.bye });
      if (ACK.test(key)) return void ctx.reply({ text: botText.ack, buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    }
  }
  // A first message that is a real question gets the welcome too, then the answer.
  if (ctx.session.turns === 0) ctx.reply({ text: botText.welcome });
  await next();
};

function showMenu(ctx: Parameters<Feature>[0], greet: boolean): void {
  ctx.session.booking = undefined; // the menu leaves any booking or subscription in progress
  ctx.session.area = undefined;
  ctx.session.confirm = undefined; // and any code it waited for
  if (greet || ctx.session.turns === 0) ctx.reply({ text: botText.welcome });
  ctx.reply({ text: botText.menu, buttons: botText.menuButtons });
}
