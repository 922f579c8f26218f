/**
 * Announcements: subscribe a chat to a commune's (and optionally a hamlet's) announcements, list
 * and cancel them. Hamlets (ấp, khóm) are free sub-areas: named by residents, created on first use.
 */
import type { AdminUnitService } from "../../src/admin-units/admin-unit-service.js";
import type { Db } from "../../src/db/client.js";
import { normalizeInput, searchKey } from "../../src/text/vietnamese.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import { areaText, botText } from "../messages/vi.js";

const WANTS = /\b(nhan thong bao (cua )?(xa|phuong|ap|khom)|dang ky (nhan )?thong bao|theo doi thong bao|thong bao cua xa|thong bao cua phuong)\b/;
const LIST = /\b(thong bao da dang ky|dang nhan thong bao|xem dang ky)\b/;

export function announcementsFeature(deps: { db: Db; units: AdminUnitService }): Feature {
  const identityFor = async (ctx: TurnContext) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB") return null;
    return deps.db.channelIdentity.upsert({
      where: { channel_externalId: { channel, externalId: id } },
      create: { channel, externalId: id, consentAt: new Date(), lastInteractionAt: new Date() },
      update: { lastInteractionAt: new Date() },
    });
  };

  const subscribe = async (ctx: TurnContext, communeCode: string, communeName: string, hamletName: string | null) => {
    const identity = await identityFor(ctx);
    if (!identity) return void ctx.reply({ text: areaText.webCannot });
    let hamletId: string | null = null;
    if (hamletName) {
      const name = normalizeInput(hamletName);
      const hamlet = await deps.db.hamlet.upsert({
        where: { communeCode_searchName: { communeCode, searchName: searchKey(name) } },
        create: { communeCode, name, searchName: searchKey(name) },
        update: {},
      });
      hamletId = hamlet.id;
    }
    const where = hamletName ? `${hamletName}, ${communeName}` : communeName;
    ctx.session.area = undefined;
    const existing = await deps.db.subscription.findFirst({ where: { kind: "AREA", identityId: identity.id, communeCode, hamletId, cancelledAt: null } });
    if (existing) return void ctx.reply({ text: areaText.already(where) });
    await deps.db.$transaction([
      deps.db.channelIdentity.update({ where: { id: identity.id }, data: { consentAt: new Date(), optedOutAt: null } }),
      deps.db.subscription.create({ data: { kind: "AREA", identityId: identity.id, citizenId: identity.citizenId, communeCode, hamletId } }),
    ]);
    ctx.reply({ text: areaText.done(where), buttons: [[{ label: botText.menuButton, data: "menu" }]] });
  };

  const list = async (ctx: TurnContext) => {
    const { channel, id } = ctx.inbound.conversation;
    if (channel === "WEB") return void ctx.reply({ text: areaText.webCannot });
    const rows = await deps.db.subscription.findMany({
      where: { kind: "AREA", cancelledAt: null, identity: { channel, externalId: id } },
      include: { commune: { select: { fullName: true } }, hamlet: { select: { name: true } } },
      orderBy: { createdAt: "asc" },
    });
    const labels = rows.map((r) => (r.hamlet ? `${r.hamlet.name}, ${r.commune?.fullName ?? ""}` : (r.commune?.fullName ?? "")));
    ctx.reply({ text: areaText.list(labels), buttons: [...rows.map((r, i) => [areaText.cancelButton(labels[i]!, r.id)]), [areaText.addButton]] });
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
        const sub = await deps.db.subscription.findFirst({
          where: { id: m.data.slice("unsub:".length), cancelledAt: null, identity: { channel, externalId: id } },
          include: { commune: { select: { fullName: true } }, hamlet: { select: { name: true } } },
        });
        if (!sub) return list(ctx);
        await deps.db.subscription.update({ where: { id: sub.id }, data: { cancelledAt: new Date() } });
        return void ctx.reply({ text: areaText.cancelled(sub.hamlet ? `${sub.hamlet.name}, ${sub.commune?.fullName ?? ""}` : (sub.commune?.fullName ?? "")) });
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
