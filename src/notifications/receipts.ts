/**
 * Delivery receipts from providers (Twilio status callbacks, Zalo user_received_message, ZNS
 * receipts). The statuses only move forward (sent → delivered, or sent → failed), the attempt and
 * its notice together in one transaction (NoticeStore.applyReceipt); a late "sent" after
 * "delivered" and a repeated receipt change nothing. A receipt also settles an UNCONFIRMED
 * attempt (one whose send was cut short): the provider had it after all.
 */
import type { NoticeScheduler } from "./notice-sender.js";
import type { NoticeStore, Receipt, ReceiptStatus } from "./notice-store.js";

export type { Receipt, ReceiptStatus };
export type ReceiptOutcome = "applied" | "unchanged" | "unknown";

export class ReceiptService {
  constructor(
    private readonly store: NoticeStore,
    private readonly scheduler: NoticeScheduler,
  ) {}

  /**
   * Applies a receipt. One that arrives before its send was recorded is looked up again briefly,
   * then held: the sender applies it as soon as it records the send.
   */
  async apply(receipt: Receipt, lookups = 3): Promise<ReceiptOutcome> {
    for (let i = 0; ; i += 1) {
      const result = i + 1 < lookups ? await this.store.applyReceipt(receipt) : await this.store.holdEarlyReceipt(receipt);
      if (result.requeued) await this.scheduler.send(result.requeued);
      if (result.outcome !== "unknown" || i + 1 >= lookups) return result.outcome;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
