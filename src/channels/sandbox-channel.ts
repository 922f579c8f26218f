/** Stands in for any provider without credentials: stores the message where people can read it. */
import type pg from "pg";
import type { AttemptToReconcile, Channel, DeliveryChannel, OutboundMessage, Reconciled, SendResult } from "./channel.js";

export class SandboxChannel implements Channel {
  readonly provider = "sandbox";
  /** The sandbox keeps what it "sent": it can always say whether it has a message. */
  readonly reconcilable = "always" as const;

  constructor(
    readonly kind: DeliveryChannel,
    private readonly pool: pg.Pool,
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const payload = message.template ? JSON.stringify({ templateId: message.template.id, params: message.template.params }) : null;
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO "SandboxMessage" (id, channel, recipient, text, "noticeId", payload) VALUES (gen_random_uuid(), $1::"ChannelKind", $2, $3, $4::uuid, $5::jsonb) RETURNING id`,
      [this.kind, message.recipient, message.text, message.noticeId, payload],
    );
    return { providerMessageId: rows[0]!.id, delivered: true };
  }

  async reconcile(attempt: AttemptToReconcile): Promise<Reconciled> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM "SandboxMessage"
        WHERE channel = $1::"ChannelKind" AND "noticeId" = $2::uuid AND recipient = $3 AND text = $4
          AND "createdAt" >= ($5::timestamptz AT TIME ZONE 'UTC') AND id::text <> ALL($6::text[])
        ORDER BY "createdAt" LIMIT 1`,
      [this.kind, attempt.noticeId, attempt.recipient, attempt.text, new Date(attempt.startedAt.getTime() - 60_000).toISOString(), attempt.otherProviderIds],
    );
    return rows[0] ? { state: "delivered", providerMessageId: rows[0].id } : { state: "not_accepted" };
  }
}
