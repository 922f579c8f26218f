/**
 * Announcements: subscribe a chat to a commune's (and optionally a hamlet's) announcements, list
 * and cancel them. Hamlets (ấp, khóm) are free sub-areas: named by residents, created on first use.
 */
import type { AdminUnitService } from "../../src/admin-units/admin-unit-service.js";
import type { SubscriptionService } from "../../src/subscriptions/subscription-service.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import { areaText, botText } from "../messages/vi.js";

const WANTS = /\b(nhan thong bao (cua )?(xa|phuong|ap|khom)|dang ky (nhan )?thong bao|theo doi thong bao|thong bao cua xa|thong bao cua phuong)\b/;
const LIST = /\b(thong bao da dang ky|dang nhan thong bao|xem dang ky)\b/;

export function announcementsFeature(deps: { subscriptions: SubscriptionService; units: AdminUnitService }): Feature {
  const subscribe = async (ctx: TurnContext, communeCode: string, communeName: string, hamletName: string | null) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
    const where = hamletName ? `${hamletName}, ${communeName}` : communeName;
    ctx.session.area = undefined;
    const outcome = await deps.subscriptions.subscribeArea(channel, id, communeCode, hamletName);
    if (outcome === "already") return void ctx.reply({ text: areaText.already(where) });
    ctx.reply({ text: areaText.done(where), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
  };

  const list = async (ctx: TurnContext) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
    const rows = await deps.subscriptions.areas(channel, id);
    ctx.reply({ text: areaText.list(rows.map((r) => r.label)), buttons: [...rows.map((r) => [areaText.cancelButton(r.label, r.id)]), [areaText.addButton]] });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    const area = ctx.session.area;
    if (m.kind === "button") {
      if (m.data === "area") {
        if (ctx.inbound.conversation.channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
        ctx.session.area = { step: "commune" };
        return void ctx.reply({ text: areaText.askCommune });
      }
      if (m.data.startsWith("area-commune:")) {
        const u = await deps.units.get(m.data.slice("area-commune:".length));
        if (!u) return void ctx.reply({ text: areaText.noCommune });
        ctx.session.area = { step: "hamlet", communeCode: u.code, communeName: u.fullName };
        return void ctx.reply({ text: areaText.askHamlet(u.fullName), buttons: [[areaText.wholeCommune]] });
      }
      if (m.data === "area-whole" && area?.communeCode) return subscribe(ctx, area.communeCode, area.communeName!, null);
      if (m.data.startsWith("unsub:")) {
        const { channel, id } = ctx.inbound.conversation;
        if (channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
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
      if (exact.length === 1 || found.length === 1) {
        const u = exact[0] ?? found[0]!;
        ctx.session.area = { step: "hamlet", communeCode: u.code, communeName: u.fullName };
        return void ctx.reply({ text: areaText.askHamlet(u.fullName), buttons: [[areaText.wholeCommune]] });
      }
      return void ctx.reply({ text: areaText.chooseCommune, buttons: found.map((u) => [{ label: `${u.fullName} (${u.provinceName ?? ""})`, data: `area-commune:${u.code}` }]) });
    }
    if (area?.step === "hamlet" && area.communeCode) {
      const name = m.text.trim();
      if (name.length < 2 || name.length > 60) return void ctx.reply({ text: areaText.askHamlet(area.communeName!), buttons: [[areaText.wholeCommune]] });
      return subscribe(ctx, area.communeCode, area.communeName!, name);
    }
    if (LIST.test(key)) return list(ctx);
    if (WANTS.test(key)) {
      if (ctx.inbound.conversation.channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
      ctx.session.area = { step: "commune" };
      return void ctx.reply({ text: areaText.askCommune });
    }
    return next();
  };
}
