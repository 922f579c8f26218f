/** Stands in for any provider without credentials: stores the message where people can read it. */
import type { Db } from "../db/client.js";
import type { AttemptToReconcile, Channel, DeliveryChannel, OutboundMessage, Reconciled, SendResult } from "./channel.js";

export class SandboxChannel implements Channel {
  readonly provider = "sandbox";
  /** The sandbox keeps what it "sent": it can always say whether it has a message. */
  readonly reconcilable = "always" as const;

  constructor(readonly kind: DeliveryChannel, private readonly db: Db) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const row = await this.db.sandboxMessage.create({
      data: {
        channel: this.kind,
        recipient: message.recipient,
        text: message.text,
        noticeId: message.noticeId,
        ...(message.template ? { payload: { templateId: message.template.id, params: message.template.params } } : {}),
      },
    });
    return { providerMessageId: row.id, delivered: true };
  }

  async reconcile(attempt: AttemptToReconcile): Promise<Reconciled> {
    const found = await this.db.sandboxMessage.findFirst({
      where: {
        channel: this.kind,
        noticeId: attempt.noticeId,
        recipient: attempt.recipient,
        text: attempt.text,
        createdAt: { gte: new Date(attempt.startedAt.getTime() - 60_000) },
        ...(attempt.otherProviderIds.length ? { id: { notIn: attempt.otherProviderIds } } : {}),
      },
      orderBy: { createdAt: "asc" },
    });
    return found ? { state: "delivered", providerMessageId: found.id } : { state: "not_accepted" };
  }
}
