/**
 * Housekeeping: the rows kept only for a while, deleted when their while is over, so that no table
 * grows for ever with what nobody reads again. Run every hour by the worker (queues/jobs/housekeeping.ts);
 * safe to run twice at once (each delete takes what is old, in chunks, and a second run finds less).
 *
 * - Receipts held for a send not yet recorded (EarlyReceipt) after an hour: the notices' own
 *   module (NoticeStore) drops them, as it owns them.
 * - Webhook deliveries taken once (ProcessedWebhook: Zalo's msg_id, Telegram's update_id) after
 *   7 days: Telegram redelivers an update for at most 24 hours and Zalo events older than 15 minutes
 *   are ignored on arrival, so an id older than that can no longer come back by the provider.
 * - One-time codes (OneTimeCode) a day after they were made: they expire after 10 minutes, and
 *   the limits on how many a phone, a chat or a client may ask for count the last hour.
 * - The bot's SMS replies (SmsReply) after 31 days: the limit per phone counts the last hour; the
 *   rest is there to see what the replies cost, month by month.
 */
import type pg from "pg";
import type { NoticeStore } from "../notifications/notice-store.js";

export const PROCESSED_WEBHOOK_KEEP_DAYS = 7;
export const ONE_TIME_CODE_KEEP_HOURS = 24;
export const SMS_REPLY_KEEP_DAYS = 31;
/** Rows deleted per statement: a long backlog goes in several short transactions. */
const CHUNK = 5_000;

export interface HousekeepingCounts {
  earlyReceipts: number;
  processedWebhooks: number;
  oneTimeCodes: number;
  smsReplies: number;
}

export class Housekeeping {
  constructor(
    private readonly pool: pg.Pool,
    private readonly notices: Pick<NoticeStore, "dropStaleEarlyReceipts">,
  ) {}

  async run(): Promise<HousekeepingCounts> {
    const earlyReceipts = await this.notices.dropStaleEarlyReceipts();
    const processedWebhooks = await this.inChunks(
      `DELETE FROM "ProcessedWebhook" WHERE ctid IN (SELECT ctid FROM "ProcessedWebhook" WHERE "receivedAt" < now() - make_interval(days => $1) LIMIT $2)`,
      PROCESSED_WEBHOOK_KEEP_DAYS,
    );
    const oneTimeCodes = await this.inChunks(
      `DELETE FROM "OneTimeCode" WHERE id IN (SELECT id FROM "OneTimeCode" WHERE "createdAt" < now() - make_interval(hours => $1) LIMIT $2)`,
      ONE_TIME_CODE_KEEP_HOURS,
    );
    const smsReplies = await this.inChunks(
      `DELETE FROM "SmsReply" WHERE id IN (SELECT id FROM "SmsReply" WHERE "createdAt" < now() - make_interval(days => $1) LIMIT $2)`,
      SMS_REPLY_KEEP_DAYS,
    );
    return { earlyReceipts, processedWebhooks, oneTimeCodes, smsReplies };
  }

  private async inChunks(sql: string, age: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { rowCount } = await this.pool.query(sql, [age, CHUNK]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < CHUNK) return total;
    }
  }
}
