/**
 * A staff member's Telegram link, for the morning digest of the overdue watch. In the console a
 * signed-in member asks for a one-time code (8 digits, valid 15 minutes, one use; only its sha256
 * is stored; a few per hour); sent to the bot (`/lienket <code>`, or the deep link
 * `/start staff_<code>`), it links that chat to the member. A wrong, used or expired code is
 * refused with one answer that says nothing about any account, and a chat has a few tries an hour
 * (counted in PostgreSQL: a Redis flush gives none back).
 * One chat links one member: linking it to another moves it. Unlinked from the console.
 */
import { createHash, randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "../db/client.js";
import { RateLimitedError } from "../errors.js";

export const LINK_CODE_MINUTES = 15;
export const LINK_CODE_DIGITS = 8;
/** Codes a member may ask for in an hour. */
export const LINK_CODES_PER_HOUR = 5;
/** Codes a chat may try in an hour (right or wrong). */
export const LINK_TRIES_PER_HOUR = 5;

export const LINK_CODE_PATTERN = new RegExp(`^\\d{${LINK_CODE_DIGITS}}$`);

const hashCode = (code: string) => createHash("sha256").update(code).digest("hex");

export interface TelegramLinkStatus {
  linked: boolean;
  linkedAt: Date | null;
  /** A code was made and is still valid (the code itself is shown only once). */
  codePendingUntil: Date | null;
}

export type RedeemResult =
  | { ok: true; fullName: string; unitName: string | null }
  | { ok: false; reason: "refused" }
  | { ok: false; reason: "too-many-tries"; retryAfterSeconds: number };

export class TelegramLinkService {
  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Counts one more in an hour's window; the count and the seconds left in the window. */
  private async count(key: string): Promise<{ n: number; ttl: number }> {
    const results = await this.redis.multi().incr(key).expire(key, 3600, "NX").ttl(key).exec();
    return { n: Number(results?.[0]?.[1] ?? 0), ttl: Math.max(1, Number(results?.[2]?.[1] ?? 3600)) };
  }

  async status(staffUserId: string): Promise<TelegramLinkStatus> {
    const u = await this.db.staffUser.findUnique({ where: { id: staffUserId }, select: { telegramChatId: true, telegramLinkedAt: true, telegramLinkCodeExpiresAt: true } });
    const pending = u?.telegramLinkCodeExpiresAt && u.telegramLinkCodeExpiresAt > this.now() ? u.telegramLinkCodeExpiresAt : null;
    return { linked: Boolean(u?.telegramChatId), linkedAt: u?.telegramChatId ? u.telegramLinkedAt : null, codePendingUntil: pending };
  }

  /**
   * A new one-time code for the member (replacing any earlier one): the code, shown once, and when
   * it stops working. 429 after LINK_CODES_PER_HOUR in an hour.
   */
  async createCode(staffUserId: string): Promise<{ code: string; expiresAt: Date }> {
    const { n, ttl } = await this.count(`${this.prefix}tglink:create:${staffUserId}`);
    if (n > LINK_CODES_PER_HOUR) {
      throw new RateLimitedError(`Đã tạo quá nhiều mã liên kết Telegram; thử lại sau ${Math.ceil(ttl / 60)} phút (too many link codes).`, ttl);
    }
    const expiresAt = new Date(this.now().getTime() + LINK_CODE_MINUTES * 60_000);
    for (let attempt = 0; ; attempt++) {
      const code = String(randomInt(0, 10 ** LINK_CODE_DIGITS)).padStart(LINK_CODE_DIGITS, "0");
      try {
        await this.db.staffUser.update({ where: { id: staffUserId }, data: { telegramLinkCodeHash: hashCode(code), telegramLinkCodeExpiresAt: expiresAt } });
        return { code, expiresAt };
      } catch (error) {
        // Another member's live code has the same digits (unique hash): draw again.
        if (attempt < 5 && (error as { code?: string }).code === "P2002") continue;
        throw error;
      }
    }
  }

  /**
   * A code sent to the bot from a Telegram chat. Right (and unexpired, unused, of an active
   * member): the chat is linked and the code spent. Anything else: refused, the same way.
   */
  async redeem(chatId: string, code: string): Promise<RedeemResult> {
    // Counted in PostgreSQL, as wrong look-up proofs are: emptying Redis gives a guesser no more tries.
    const key = chatId.slice(0, 200);
    const [tries] = await this.db.$queryRaw<{ count: number; left: number }[]>`
      INSERT INTO "LookupFailure" AS f (scope, key, "windowStart", count) VALUES ('STAFF_LINK', ${key}, now(), 1)
      ON CONFLICT (scope, key) DO UPDATE SET
        count = CASE WHEN f."windowStart" <= now() - interval '1 hour' THEN 1 ELSE f.count + 1 END,
        "windowStart" = CASE WHEN f."windowStart" <= now() - interval '1 hour' THEN now() ELSE f."windowStart" END
      RETURNING count, GREATEST(1, ceil(extract(epoch FROM f."windowStart" + interval '1 hour' - now())))::int AS left`;
    if ((tries?.count ?? 0) > LINK_TRIES_PER_HOUR) return { ok: false, reason: "too-many-tries", retryAfterSeconds: tries?.left ?? 3600 };
    if (!LINK_CODE_PATTERN.test(code)) return { ok: false, reason: "refused" };
    const hash = hashCode(code);
    const now = this.now();
    const linked = await this.db.$transaction(async (tx) => {
      const member = await tx.staffUser.findFirst({
        where: { telegramLinkCodeHash: hash, telegramLinkCodeExpiresAt: { gt: now }, active: true },
        select: { id: true, fullName: true, unit: { select: { fullName: true } } },
      });
      if (!member) return null;
      // One chat, one member: a chat linked to another account moves to this one.
      await tx.staffUser.updateMany({ where: { telegramChatId: chatId, id: { not: member.id } }, data: { telegramChatId: null, telegramLinkedAt: null } });
      // Spent in the same statement that links: a second use (or a race) matches nothing.
      const spent = await tx.staffUser.updateMany({
        where: { id: member.id, telegramLinkCodeHash: hash, telegramLinkCodeExpiresAt: { gt: now } },
        data: { telegramChatId: chatId, telegramLinkedAt: now, telegramLinkCodeHash: null, telegramLinkCodeExpiresAt: null },
      });
      if (spent.count !== 1) return null;
      // The chat the digest goes to (a notice is addressed to a ChannelIdentity).
      await tx.channelIdentity.upsert({
        where: { channel_externalId: { channel: "TELEGRAM", externalId: chatId } },
        create: { channel: "TELEGRAM", externalId: chatId, consentAt: now, reachable: true, lastInteractionAt: now },
        update: { reachable: true, lastInteractionAt: now },
      });
      return { fullName: member.fullName, unitName: member.unit?.fullName ?? null };
    });
    if (!linked) return { ok: false, reason: "refused" };
    await this.db.$executeRaw`DELETE FROM "LookupFailure" WHERE scope = 'STAFF_LINK' AND key = ${key}`;
    return { ok: true, ...linked };
  }

  /** Unlinks the member's chat (and drops a code not yet used). */
  async unlink(staffUserId: string): Promise<boolean> {
    const r = await this.db.staffUser.updateMany({
      where: { id: staffUserId, OR: [{ telegramChatId: { not: null } }, { telegramLinkCodeHash: { not: null } }] },
      data: { telegramChatId: null, telegramLinkedAt: null, telegramLinkCodeHash: null, telegramLinkCodeExpiresAt: null },
    });
    return r.count > 0;
  }
}
