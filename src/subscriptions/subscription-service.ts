/**
 * What a chat receives: a dossier's notices (linking the chat to the dossier's applicant, only
 * after a one-time code sent to the applicant's phone), a commune's or hamlet's announcements,
 * and the opt-out from everything ("HUY", /stop); a phone's SMS opt-out ("HUY" by SMS) and its undoing.
 */
import type { Db } from "../db/client.js";
import { lockCommuneHamlets, sameHamletName } from "../hamlets/hamlet-service.js";
import { normalizeInput, searchKey } from "../text/vietnamese.js";
import { assertConfirmed, type Confirmation } from "../verification/one-time-codes.js";

export type ChatChannel = "TELEGRAM" | "ZALO_OA";

export interface AreaSubscription {
  id: string;
  /** "Khóm 2, Xã Tràm Chim" or "Xã Tràm Chim". */
  label: string;
}

/**
 * New hamlets one chat may propose that staff have not confirmed yet (counting those it has since
 * unsubscribed from): a chat cannot fill a commune's list in the console with names of its own.
 */
export const PROPOSALS_PER_CHAT = 3;

export class SubscriptionService {
  constructor(private readonly db: Db) {}

  /**
   * Links a chat to the dossier's applicant, with consent, and subscribes it to the dossier.
   * Needs the confirmation of a SUBSCRIBE code for this dossier (sent to the applicant's phone).
   */
  async subscribeDossier(dossier: { id: string; applicantId: string }, channel: ChatChannel, externalId: string, confirmation: Confirmation): Promise<void> {
    assertConfirmed(confirmation, "SUBSCRIBE", dossier.id);
    const now = new Date();
    await this.db.$transaction(async (tx) => {
      const identity = await tx.channelIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { channel, externalId, citizenId: dossier.applicantId, consentAt: now, lastInteractionAt: now },
        update: { citizenId: dossier.applicantId, consentAt: now, optedOutAt: null, reachable: true, lastInteractionAt: now },
      });
      // Asking for a dossier's notices on Zalo again lifts the ZNS opt-out a "HUY" on Zalo set (`optOut`).
      if (channel === "ZALO_OA") await tx.channelIdentity.updateMany({ where: { channel: "ZNS", citizenId: dossier.applicantId, optedOutAt: { not: null } }, data: { optedOutAt: null } });
      const existing = await tx.subscription.findFirst({ where: { kind: "DOSSIER", identityId: identity.id, dossierId: dossier.id, cancelledAt: null } });
      if (!existing) await tx.subscription.create({ data: { kind: "DOSSIER", identityId: identity.id, citizenId: dossier.applicantId, dossierId: dossier.id } });
    });
  }

  /**
   * The hamlets the bot offers for a commune: those staff added or confirmed (a name a citizen
   * proposed is offered to others only once staff confirm it), by name.
   */
  async hamletChoices(communeCode: string, limit = 10): Promise<{ id: string; name: string; total: number }[]> {
    const rows = await this.db.hamlet.findMany({ where: { communeCode, proposedByCitizen: false }, select: { id: true, name: true } });
    const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
    return rows
      .sort((a, b) => collator.compare(a.name, b.name))
      .slice(0, limit)
      .map((r) => ({ ...r, total: rows.length }));
  }

  /** A hamlet's commune (for a hamlet button pressed after the conversation forgot the commune). */
  async hamletCommune(hamletId: string): Promise<{ code: string; fullName: string } | null> {
    if (!/^[0-9a-f-]{36}$/i.test(hamletId)) return null;
    const h = await this.db.hamlet.findUnique({ where: { id: hamletId }, select: { commune: { select: { code: true, fullName: true } } } });
    return h?.commune ?? null;
  }

  /**
   * Subscribes a chat to a commune's announcements, or one hamlet's: `{ id }` one the bot offered
   * (of this commune), or a name typed — an existing hamlet of the same name (`sameHamletName`),
   * or a new one flagged `proposedByCitizen` for staff to confirm. Answers the hamlet's name as
   * stored; "choose" (nothing stored) with the hamlets a name typed without marks could be, when
   * the commune has several ("tan thanh": Tân Thành, Tân Thạnh).
   */
  async subscribeArea(
    channel: ChatChannel,
    externalId: string,
    communeCode: string,
    hamlet: string | { id: string } | null,
  ): Promise<
    | { outcome: "subscribed" | "already" | "too-many-proposals"; hamletName: string | null }
    | { outcome: "choose"; hamletName: null; choices: { id: string; name: string }[] }
    | null
  > {
    const now = new Date();
    let hamletId: string | null = null;
    let hamletName: string | null = null;
    if (hamlet && typeof hamlet === "object") {
      const found = /^[0-9a-f-]{36}$/i.test(hamlet.id) ? await this.db.hamlet.findFirst({ where: { id: hamlet.id, communeCode } }) : null;
      if (!found) return null;
      hamletId = found.id;
      hamletName = found.name;
    } else if (hamlet) {
      const name = normalizeInput(hamlet);
      const picked = await this.db.$transaction(async (tx) => {
        await lockCommuneHamlets(tx, communeCode);
        const same = (await tx.hamlet.findMany({ where: { communeCode, searchName: searchKey(name) }, select: { id: true, name: true } })).filter((h) =>
          sameHamletName(h.name, name),
        );
        // typed without marks, it could be any of them: the citizen chooses
        if (same.length > 1) return { choices: same.sort((a, b) => a.name.localeCompare(b.name, "vi")) };
        if (same[0]) return same[0];
        const proposed = await tx.subscription.count({
          where: { kind: "AREA", identity: { channel, externalId }, hamlet: { proposedByCitizen: true } },
        });
        if (proposed >= PROPOSALS_PER_CHAT) return null;
        return tx.hamlet.create({ data: { communeCode, name, searchName: searchKey(name), proposedByCitizen: true }, select: { id: true, name: true } });
      });
      if (!picked) return { outcome: "too-many-proposals", hamletName: null };
      if ("choices" in picked) return { outcome: "choose", hamletName: null, choices: picked.choices };
      hamletId = picked.id;
      hamletName = picked.name;
    }
    const identity = await this.db.channelIdentity.upsert({
      where: { channel_externalId: { channel, externalId } },
      create: { channel, externalId, consentAt: now, lastInteractionAt: now },
      update: { lastInteractionAt: now },
    });
    const existing = await this.db.subscription.findFirst({ where: { kind: "AREA", identityId: identity.id, communeCode, hamletId, cancelledAt: null } });
    if (existing) return { outcome: "already", hamletName };
    await this.db.$transaction([
      this.db.channelIdentity.update({ where: { id: identity.id }, data: { consentAt: now, optedOutAt: null } }),
      this.db.subscription.create({ data: { kind: "AREA", identityId: identity.id, citizenId: identity.citizenId, communeCode, hamletId } }),
    ]);
    return { outcome: "subscribed", hamletName };
  }

  /** A chat's announcement subscriptions, oldest first. */
  async areas(channel: ChatChannel, externalId: string): Promise<AreaSubscription[]> {
    const rows = await this.db.subscription.findMany({
      where: { kind: "AREA", cancelledAt: null, identity: { channel, externalId } },
      include: { commune: { select: { fullName: true } }, hamlet: { select: { name: true } } },
      orderBy: { createdAt: "asc" },
    });
    return rows.map((r) => ({ id: r.id, label: label(r) }));
  }

  /** Cancels one of the chat's announcement subscriptions; null when it has no such one. */
  async cancelArea(channel: ChatChannel, externalId: string, subscriptionId: string): Promise<AreaSubscription | null> {
    if (!/^[0-9a-f-]{36}$/.test(subscriptionId)) return null;
    const sub = await this.db.subscription.findFirst({
      where: { id: subscriptionId, cancelledAt: null, identity: { channel, externalId } },
      include: { commune: { select: { fullName: true } }, hamlet: { select: { name: true } } },
    });
    if (!sub) return null;
    await this.db.subscription.update({ where: { id: sub.id }, data: { cancelledAt: new Date() } });
    return { id: sub.id, label: label(sub) };
  }

  /**
   * Opts the chat out of every notice and announcement. It is also unlinked from the citizen, so a
   * later announcement subscription (which opts the chat in again) brings back announcements only:
   * a dossier's notices come back to it through "Nhận thông báo" and its one-time code, as the bot
   * says. On Zalo, "this channel" is also the ZNS template messages Zalo shows the linked citizen
   * under the same Official Account: those stop too (a ZNS opt-out of the citizen's phone, which
   * routing honours), until the citizen asks for a dossier's notices on Zalo again. SMS is another
   * channel, with its own STOP (Twilio's, or "HUY" texted to the service's number: `smsOptOut`).
   */
  async optOut(channel: ChatChannel, externalId: string): Promise<void> {
    const now = new Date();
    await this.db.$transaction(async (tx) => {
      const before = await tx.channelIdentity.findUnique({ where: { channel_externalId: { channel, externalId } }, select: { citizen: { select: { id: true, phone: true } } } });
      const identity = await tx.channelIdentity.upsert({
        where: { channel_externalId: { channel, externalId } },
        create: { channel, externalId, optedOutAt: now, lastInteractionAt: now },
        update: { optedOutAt: now, lastInteractionAt: now, citizenId: null },
      });
      await tx.subscription.updateMany({ where: { identityId: identity.id, cancelledAt: null }, data: { cancelledAt: now } });
      const citizen = before?.citizen;
      if (channel === "ZALO_OA" && citizen?.phone) {
        await tx.channelIdentity.upsert({
          where: { channel_externalId: { channel: "ZNS", externalId: citizen.phone } },
          create: { channel: "ZNS", externalId: citizen.phone, citizenId: citizen.id, optedOutAt: now },
          update: { citizenId: citizen.id, optedOutAt: now },
        });
      }
    });
  }

  /**
   * "HUY" texted by SMS: the phone's SMS opt-out, recorded as Twilio's STOP is (error 21610, on
   * the SMS identity of the phone): no dossier notice and no announcement goes to it by SMS any
   * more (routing and announcement targeting read the phone's SMS identity), until `smsOptIn`.
   * Its other channels are not touched. A citizen whose phone it is is linked to it.
   */
  async smsOptOut(phone: string): Promise<void> {
    const now = new Date();
    const citizen = await this.db.citizen.findUnique({ where: { phone }, select: { id: true } });
    await this.db.channelIdentity.upsert({
      where: { channel_externalId: { channel: "SMS", externalId: phone } },
      create: { channel: "SMS", externalId: phone, citizenId: citizen?.id ?? null, optedOutAt: now, lastInteractionAt: now },
      update: { optedOutAt: now, lastInteractionAt: now, ...(citizen ? { citizenId: citizen.id } : {}) },
    });
  }

  /** "BAT LAI" / "START" texted by SMS: the phone's SMS opt-out lifted; false when there was none. */
  async smsOptIn(phone: string): Promise<boolean> {
    const lifted = await this.db.channelIdentity.updateMany({ where: { channel: "SMS", externalId: phone, optedOutAt: { not: null } }, data: { optedOutAt: null, lastInteractionAt: new Date() } });
    return lifted.count > 0;
  }
}

function label(r: { commune: { fullName: string } | null; hamlet: { name: string } | null }): string {
  return r.hamlet ? `${r.hamlet.name}, ${r.commune?.fullName ?? ""}` : (r.commune?.fullName ?? "");
}
