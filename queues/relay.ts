/**
 * The outbox relay: turns notices written in PostgreSQL into jobs in Redis.
 * - LISTEN: a writer NOTIFYs the new notice ids after its transaction commits → enqueued at once.
 * - Sweep (every few seconds): anything QUEUED/DEFERRED and due is enqueued again (a job already
 *   waiting is not duplicated), and so is every check whose time has come (receipt deadlines,
 *   reconciliations: `Notice.checkAt`), so a flushed or restarted Redis loses nothing.
 * - Claims whose worker died are released (NoticeStore.releaseDeadClaims): back to QUEUED when
 *   no provider was called yet; UNCONFIRMED when the call may have been made, and the provider
 *   is asked about it at once — never resent blindly.
 * The relay reads and moves notices only through the NoticeStore.
 */
import pg from "pg";
import type { Logger } from "pino";
import { NOTICE_CHANNEL, type NoticeStore } from "../src/notifications/notice-store.js";
import type { NotificationQueue } from "./producer.js";

const SWEEP_PAGE = 5000;
const WAKE_BATCH = 1000;

export interface RelayOptions {
  databaseUrl: string;
  store: NoticeStore;
  queue: NotificationQueue;
  logger: Logger;
  sweepMs: number;
  claimLeaseMs: number;
}
export class NoticeRelay {
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;
  /** Notice ids NOTIFYed and not enqueued yet, in the order they came. */
  private woken: string[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly options: RelayOptions) {}

  /**
   * Enqueues the woken ids one batch at a time, in order. An announcement wakes the relay with
   * hundreds of NOTIFYs at once (200 ids each): taken one by one they cost one batch's memory,
   * not every batch's jobs built and sent to Redis at the same moment.
   */
  private drainWoken(): void {
    this.draining ??= (async () => {
      while (this.woken.length) {
        const batch = this.woken.splice(0, WAKE_BATCH);
        await this.options.queue.enqueueNotices(batch.map((id) => ({ id, delayMs: 0 }))).catch((error) => this.options.logger.warn({ err: error }, "enqueue failed; the sweep will retry"));
      }
    })().finally(() => {
      this.draining = undefined;
      if (this.woken.length) this.drainWoken();
    });
  }

  async start(): Promise<void> {
    await this.listen();
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.sweepMs);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on("error", (error) => {
      this.options.logger.warn({ err: error }, "relay lost its LISTEN connection; reconnecting");
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    client.on("notification", (message) => {
      if (!message.payload) return;
      for (const id of message.payload.split(",")) if (id) this.woken.push(id);
      this.drainWoken();
    });
    await client.connect();
    await client.query(`LISTEN ${NOTICE_CHANNEL}`);
    this.listener = client;
  }

  /** One pass: release dead claims, then enqueue every due notice. Safe to run concurrently with workers. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce()
      .catch((error) => this.options.logger.warn({ err: error }, "relay sweep failed"))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { store, queue } = this.options;
    await this.releaseDeadClaims();
    // Notices written in the last few seconds were just enqueued by their NOTIFY: the sweep takes
    // what has waited longer (a lost NOTIFY, a flushed Redis, a deferral come due). Oldest first,
    // in pages of 5,000 until none is left, so a backlog (after Redis was flushed, or a worker
    // was down) is back in the queue within one pass; jobs already waiting are not duplicated.
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      if (this.stopped) return;
      const due = await store.dueForSending(Math.max(3000, 2 * this.options.sweepMs), after, SWEEP_PAGE);
      if (due.length) await queue.enqueueMissing(due.map((r) => ({ id: r.id, delayMs: r.wait })));
      if (due.length < SWEEP_PAGE) break;
      const last = due[due.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    // Checks that are due: a job already waiting for the same check is not added twice.
    for (;;) {
      if (this.stopped) return;
      const checks = await store.dueChecks(SWEEP_PAGE);
      for (const c of checks) await queue.receiptCheck(c.noticeId, c.attemptId, 0, c.checkAt);
      if (checks.length < SWEEP_PAGE) break;
    }
  }

  private async releaseDeadClaims(): Promise<void> {
    const { requeued, unconfirmed } = await this.options.store.releaseDeadClaims(this.options.claimLeaseMs);
    if (requeued.length) await this.options.queue.enqueueNotices(requeued.map((id) => ({ id, delayMs: 0 })));
    // The lease has long passed: whatever the provider did with the call, it has done; ask it now.
    for (const u of unconfirmed) await this.options.queue.receiptCheck(u.noticeId, u.attemptId, 0);
    if (requeued.length || unconfirmed.length) this.options.logger.warn({ requeued: requeued.length, unconfirmed: unconfirmed.length }, "released claims of a stopped worker");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.race([Promise.all([this.sweeping, this.draining]), new Promise((r) => setTimeout(r, 10_000).unref())]);
    await this.listener?.end().catch(() => undefined);
  }
}
