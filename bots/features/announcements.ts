/**
 * Announcements: subscribe a chat to a commune's (and optionally a hamlet's) announcements, list
 * and cancel them. The bot offers the commune's hamlets that staff keep (src/hamlets), "Cả
 * xã/phường" and "Ấp/khóm khác…"; a hamlet typed that the commune does not have is created,
 * flagged as proposed by a citizen, for staff to confirm. Telegram's deep link
 * `t.me/<bot>?start=xa_<commune>` (the commune's poster) starts here with the commune chosen. The
 * web chat cannot send announcements: it points to the commune's public page (/xa/<commune>).
 */
import type { AdminUnitService } from "../../src/admin-units/admin-unit-service.js";
import { hamletNameProblem } from "../../src/hamlets/hamlet-service.js";
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import type { Button } from "../engine/types.js";
import { Utterance } from "../intents/match.js";
import { COMPOUNDS, INTENTS } from "../intents/vocabulary.js";
import { areaText, botText } from "../messages/vi.js";


export function announcementsFeature(deps: { subscriptions: SubscriptionService; units: AdminUnitService; communePage?: (communeCode: string) => string }): Feature {
  const pageOf = deps.communePage ?? ((code: string) => `/xa/${code}`);
  const subscribe = async (ctx: TurnContext, communeCode: string, communeName: string, hamlet: string | { id: string } | null) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB" || channel === "SMS") return void ctx.reply({ text: areaText.webPage(communeName, pageOf(communeCode)) });
    const done = await deps.subscriptions.subscribeArea(channel, id, communeCode, hamlet);
    if (!done) return offerHamlets(ctx, communeCode, communeName, areaText.hamletGone);
    if (done.outcome === "too-many-proposals") return offerHamlets(ctx, communeCode, communeName, areaText.tooManyProposals);
    if (done.outcome === "choose") {
      ctx.session.area = { step: "hamlet", communeCode, communeName };
      return void ctx.reply({ text: areaText.sameNameHamlets(communeName), buttons: [...done.choices.map((h) => [areaText.hamletButton(h.name, h.id)]), [areaText.wholeCommune], [areaText.otherHamlet]] });
    }
    ctx.session.area = undefined;
    const where = done.hamletName ? `${done.hamletName}, ${communeName}` : communeName;
    if (done.outcome === "already") return void ctx.reply({ text: areaText.already(where) });
    ctx.reply({ text: areaText.done(where), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
  };

  /** Asks for the hamlet, offering the ones the commune keeps. */
  const offerHamlets = async (ctx: TurnContext, communeCode: string, communeName: string, lead?: string) => {
    ctx.session.area = { step: "hamlet", communeCode, communeName };
    const choices = await deps.subscriptions.hamletChoices(communeCode, 10);
    if (choices.length === 0) return void ctx.reply({ text: lead ?? areaText.askHamlet(communeName), buttons: [[areaText.wholeCommune]] });
    const rows: Button[][] = [];
    for (let i = 0; i < choices.length; i += 2) rows.push(choices.slice(i, i + 2).map((h) => areaText.hamletButton(h.name, h.id)));
    ctx.reply({ text: lead ?? areaText.chooseHamlet(communeName, choices[0]!.total > choices.length), buttons: [...rows, [areaText.wholeCommune], [areaText.otherHamlet]] });
  };

  /** A commune chosen: the hamlet next (the web chat and SMS, which take no subscription: the commune's public page). */
  const chosen = async (ctx: TurnContext, u: { code: string; fullName: string }) => {
    if (ctx.inbound.conversation.channel === "WEB" || ctx.inbound.conversation.channel === "SMS") {
      ctx.session.area = undefined;
      return void ctx.reply({ text: areaText.webPage(u.fullName, pageOf(u.code)), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
    }
    return offerHamlets(ctx, u.code, u.fullName);
  };

  const list = async (ctx: TurnContext) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB" || channel === "SMS") return void ctx.reply({ text: channel === "SMS" ? areaText.smsCannot : areaText.webCannot });
    const rows = await deps.subscriptions.areas(channel, id);
    ctx.reply({ text: areaText.list(rows.map((r) => r.label)), buttons: [...rows.map((r) => [areaText.cancelButton(r.label, r.id)]), [areaText.addButton]] });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const area = ctx.session.area;
    if (m.kind === "button" && m.data.startsWith("area-start:")) {
      // The poster's deep link (the Telegram adapter turns "/start xa_<code>" into this press):
      // whatever was under way gives way to this commune's subscription.
      ctx.session.booking = undefined;
      ctx.session.confirm = undefined;
      const u = await deps.units.get(m.data.slice("area-start:".length));
      if (!u || u.level !== "COMMUNE") {
        ctx.session.area = { step: "commune" };
        return void ctx.reply({ text: `${areaText.noCommune}\n${areaText.askCommune}` });
      }
      return chosen(ctx, u);
    }
    if (m.kind === "button") {
      if (m.data === "area") {
        ctx.session.area = { step: "commune" };
        return void ctx.reply({ text: areaText.askCommune });
      }
      if (m.data.startsWith("area-commune:")) {
        const u = await deps.units.get(m.data.slice("area-commune:".length));
        if (!u || u.level !== "COMMUNE") return void ctx.reply({ text: areaText.noCommune });
        return chosen(ctx, u);
      }
      if (m.data === "area-whole" && area?.communeCode) return subscribe(ctx, area.communeCode, area.communeName!, null);
      if (m.data.startsWith("area-hamlet:")) {
        const hamletId = m.data.slice("area-hamlet:".length);
        if (area?.communeCode) return subscribe(ctx, area.communeCode, area.communeName!, { id: hamletId });
        // A button of an earlier offer, pressed after the conversation forgot it: the hamlet names its commune.
        const commune = await deps.subscriptions.hamletCommune(hamletId);
        if (commune) return subscribe(ctx, commune.code, commune.fullName, { id: hamletId });
        ctx.session.area = { step: "commune" };
        return void ctx.reply({ text: areaText.askCommune });
      }
      if (m.data === "area-other" && area?.communeCode) return void ctx.reply({ text: areaText.typeHamlet(area.communeName!), buttons: [[areaText.wholeCommune]] });
      if (m.data.startsWith("unsub:")) {
        const { channel, id } = ctx.inbound.conversation;
        if (channel === "WEB" || channel === "SMS") return void ctx.reply({ text: channel === "SMS" ? areaText.smsCannot : areaText.webCannot });
        const cancelled = await deps.subscriptions.cancelArea(channel, id, m.data.slice("unsub:".length));
        if (!cancelled) return list(ctx);
        return void ctx.reply({ text: areaText.cancelled(cancelled.label) });
      }
      return next();
    }
    if (m.kind !== "text") return next();
    const key = searchKey(m.text);
    if (area?.step === "commune") {
      const found = await deps.units.search(m.text, { level: "COMMUNE", limit: 6 });
      if (found.length === 0) return void ctx.reply({ text: areaText.noCommune });
      const wanted = key.replace(/^(xa|phuong|dac khu)\s+/, "");
      const exact = found.filter((u) => searchKey(u.name) === wanted);
      if (exact.length === 1 || found.length === 1) return chosen(ctx, exact[0] ?? found[0]!);
      return void ctx.reply({ text: areaText.chooseCommune, buttons: found.map((u) => [{ label: `${u.fullName} (${u.provinceName ?? ""})`, data: `area-commune:${u.code}` }]) });
    }
    if (area?.step === "hamlet" && area.communeCode) {
      const name = m.text.trim();
      if (name.length < 2 || name.length > 60 || hamletNameProblem(name)) return offerHamlets(ctx, area.communeCode, area.communeName!);
      return subscribe(ctx, area.communeCode, area.communeName!, name);
    }
    const said = new Utterance(m.text, COMPOUNDS);
    if (said.is(INTENTS.announcementsList)) return list(ctx);
    if (said.is(INTENTS.announcementsWanted)) {
      ctx.session.area = { step: "commune" };
      return void ctx.reply({ text: areaText.askCommune });
    }
    return next();
  };
}
