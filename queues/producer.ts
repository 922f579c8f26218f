/** Puts jobs on the notifications queue. Redis carries only ids; PostgreSQL holds the truth. */
import { randomUUID } from "node:crypto";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { NoticeScheduler } from "../src/notifications/notice-sender.js";
import { jobCatalog } from "./catalog.js";
import { JOB, NOTIFICATIONS_QUEUE } from "./names.js";

function options(name: string, extra: JobsOptions): JobsOptions {
  const def = jobCatalog[name]!;
  // Finished jobs are removed at once, so a notice's id can be queued again after a fallback.
  return { attempts: def.retry.attempts, backoff: def.retry.backoff, removeOnComplete: true, removeOnFail: 1000, ...extra };
}

/** The relay's job for a notice (one at a time: a second add of the same id changes nothing). */
const sendJobId = (noticeId: string) => `send-${noticeId}`;

// KEYS: job keys. Answers the positions (1-based) of the keys that do not exist.
const MISSING_KEYS = `
local absent = {}
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then absent[#absent + 1] = i end
end
return absent
`;

export class NotificationQueue implements NoticeScheduler {
  readonly queue: Queue;

  constructor(
    private readonly connection: Redis,
    prefix = "motcua",
  ) {
    this.queue = new Queue(NOTIFICATIONS_QUEUE, { connection, prefix });
    this.queue.on("error", () => undefined); // connection trouble surfaces on the calls themselves
  }

  /** Follow-ups from inside a job (retry, fallback): a fresh job id, since the current job still exists. */
  async send(noticeId: string, delayMs = 0): Promise<void> {
    await this.queue.add(JOB.noticeSend, { noticeId }, options(JOB.noticeSend, { jobId: `send-${noticeId}-${randomUUID().slice(0, 8)}`, delay: Math.max(0, Math.round(delayMs)) }));
  }

  /**
   * A check of an attempt after `delayMs`. The job id names the attempt and the moment it is
   * due, so the sweep's copy of a check already waiting is not added twice, while a check moved
   * to a later time gets a job of its own.
   */
  async receiptCheck(noticeId: string, attemptId: string, delayMs: number, dueAt?: Date): Promise<void> {
    const due = dueAt ?? new Date(Date.now() + delayMs);
    const slot = Math.floor(due.getTime() / 1000);
    await this.queue.add(JOB.receiptCheck, { noticeId, attemptId }, options(JOB.receiptCheck, { jobId: `check-${attemptId}-${slot}`, delay: Math.max(0, Math.round(delayMs)) }));
  }

  /** From the relay: one job per notice id; a notice already waiting in Redis is not added twice. */
  async enqueueNotices(notices: { id: string; delayMs: number }[]): Promise<void> {
    for (let i = 0; i < notices.length; i += 500) {
      await this.queue.addBulk(
        notices.slice(i, i + 500).map((n) => ({
          name: JOB.noticeSend,
          data: { noticeId: n.id },
          opts: options(JOB.noticeSend, { jobId: sendJobId(n.id), delay: Math.max(0, Math.round(n.delayMs)) }),
        })),
      );
    }
  }

  /**
   * From the relay's sweep: the same, for the notices that have no job in Redis. A large backlog
   * already waiting (an announcement held by the providers' rate limits) then costs one EXISTS per
   * notice and sweep, not a job built and added again each time. Adding an existing job id is a
   * no-op in BullMQ anyway: this changes what it costs, not what happens. The number added.
   */
  async enqueueMissing(notices: { id: string; delayMs: number }[]): Promise<number> {
    const missing: { id: string; delayMs: number }[] = [];
    for (let i = 0; i < notices.length; i += 1000) {
      const part = notices.slice(i, i + 1000);
      // One script call per 1,000 notices (not 1,000 commands): the positions (1-based) with no job.
      const absent = (await this.connection.eval(MISSING_KEYS, part.length, ...part.map((n) => this.queue.toKey(sendJobId(n.id))))) as number[];
      for (const j of absent) missing.push(part[j - 1]!);
    }
    await this.enqueueNotices(missing);
    return missing.length;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
