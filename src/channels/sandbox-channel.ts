/** Stands in for any provider without credentials: stores the message where people can read it. */
import type { Db } from "../db/client.js";
import type { Channel, DeliveryChannel, OutboundMessage, SendResult } from "./channel.js";

export class SandboxChannel implements Channel {
  readonly provider = "sandbox";

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
}
