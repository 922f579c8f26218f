/**
 * Delivery receipts from providers (Twilio status callbacks, Zalo user_received_message, ZNS
 * receipts). Statuses only move forward: sent → delivered, or sent → failed; a late "sent" after
 * "delivered" changes nothing, and a repeated receipt changes nothing.
 */
import type pg from "pg";
import type { NoticeScheduler } from "./notice-sender.js";

export type ReceiptStatus = "sent" | "delivered" | "failed";

export interface Receipt {
  /** Find the attempt by the provider's message id… */
  providerMessageId?: string;
  /** …or by our notice id (ZNS tracking_id, our Twilio callback URL). */
  noticeId?: string;
  channel: "SMS" | "ZALO_OA" | "ZNS";
  status: ReceiptStatus;
  errorCode?: string | null;
}

export type ReceiptOutcome = "applied" | "unchanged" | "unknown";

export class ReceiptService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly scheduler: NoticeScheduler,
  ) {}

  /** Applies a receipt; one that arrives before its send was recorded is looked up again briefly. */
  async apply(receipt: Receipt, lookups = 5): Promise<ReceiptOutcome> {
    for (let i = 0; ; i += 1) {
      const outcome = await this.applyOnce(receipt);
      if (outcome !== "unknown" || i + 1 >= lookups) return outcome;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async applyOnce(receipt: Receipt): Promise<ReceiptOutcome> {
    // By the provider's id when known; else (or when the id is not recorded yet) by our notice id.
    const found = await this.pool.query<{ id: string; noticeId: string; status: string }>(
      `SELECT id, "noticeId", status FROM "NoticeAttempt"
        WHERE channel = $3::"ChannelKind" AND ("providerMessageId" = $1 OR ("noticeId" = $2::uuid AND ("providerMessageId" IS NULL OR $1::text IS NULL)))
        ORDER BY ("providerMessageId" = $1) DESC NULLS LAST, "startedAt" DESC LIMIT 1`,
      [receipt.providerMessageId ?? null, receipt.noticeId && /^[0-9a-f-]{36}$/i.test(receipt.noticeId) ? receipt.noticeId : null, receipt.channel],
    );
    const attempt = found.rows[0];
    if (!attempt) return "unknown";

    if (receipt.status === "delivered") {
      const moved = await this.pool.query(
        `UPDATE "NoticeAttempt" SET status = 'DELIVERED', "deliveredAt" = now(), outcome = 'delivered' WHERE id = $1 AND status IN ('SENDING', 'SENT', 'UNCONFIRMED')`,
        [attempt.id],
      );
      await this.pool.query(
        `UPDATE "Notice" SET status = 'DELIVERED', "deliveredAt" = now(), "updatedAt" = now() WHERE id = $1 AND status IN ('SENT', 'SENDING', 'FAILED')
            AND "channelPlan"["channelIndex" + 1] = (SELECT channel FROM "NoticeAttempt" WHERE id = $2)`,
        [attempt.noticeId, attempt.id],
      );
      return moved.rowCount ? "applied" : "unchanged";
    }
    if (receipt.status === "failed") {
      const moved = await this.pool.query(
        `UPDATE "NoticeAttempt" SET status = 'FAILED', "failedAt" = now(), "errorCode" = COALESCE($2, "errorCode"), outcome = 'undelivered' WHERE id = $1 AND status IN ('SENDING', 'SENT', 'UNCONFIRMED')`,
        [attempt.id, receipt.errorCode ?? null],
      );
      if (!moved.rowCount) return "unchanged";
      // The notice was only "sent" on this channel: try the next one, or give up.
      const next = await this.pool.query<{ status: string }>(
        `UPDATE "Notice" n SET
            status = CASE WHEN n."channelIndex" + 1 < cardinality(n."channelPlan") THEN 'QUEUED'::"NoticeStatus" ELSE 'FAILED'::"NoticeStatus" END,
            "channelIndex" = LEAST(n."channelIndex" + 1, GREATEST(cardinality(n."channelPlan") - 1, 0)),
            "lastError" = $2, "notBefore" = NULL, "updatedAt" = now()
          WHERE n.id = $1 AND n.status = 'SENT'
            AND n."channelPlan"[n."channelIndex" + 1] = (SELECT channel FROM "NoticeAttempt" WHERE id = $3)
          RETURNING status`,
        [attempt.noticeId, `${receipt.channel} undelivered${receipt.errorCode ? ` (${receipt.errorCode})` : ""}`, attempt.id],
      );
      if (next.rows[0]?.status === "QUEUED") await this.scheduler.send(attempt.noticeId);
      return "applied";
    }
    // "sent"/"queued": informative only; never moves anything back.
    const moved = await this.pool.query(`UPDATE "NoticeAttempt" SET status = 'SENT', "sentAt" = COALESCE("sentAt", now()) WHERE id = $1 AND status = 'SENDING'`, [attempt.id]);
    return moved.rowCount ? "applied" : "unchanged";
  }
}
