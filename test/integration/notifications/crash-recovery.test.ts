/**
 * Nothing lost, nothing sent twice: 1,200 notices, a worker process killed with SIGKILL mid-run,
 * Redis flushed, then a new worker. Every notice must reach the provider exactly once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/paths.js";
import { startNotifyStack, type NotifyStack } from "../../support/notify-stack.js";

// A Redis database of its own: this test flushes it.
const redisUrl = "redis://127.0.0.1:6379/13";
let s: NotifyStack;
const children: ChildProcess[] = [];

beforeAll(async () => {
  s = await startNotifyStack({ worker: false, env: { REDIS_URL: redisUrl, RATE_LIMITS: "off", CLAIM_LEASE_MS: "2000", RELAY_SWEEP_MS: "300" } });
});
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await s.close();
});

function startWorkerProcess(): ChildProcess {
  const env = {
    ...process.env,
    DATABASE_URL: s.databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: s.env.QUEUE_PREFIX,
    ...s.zalo.env(),
    ZNS_TEMPLATES: "RECEIVED=tpl-received",
    PUBLIC_BASE_URL: s.baseUrl,
    QUIET_HOURS: "off",
    RATE_LIMITS: "off",
    CLAIM_LEASE_MS: "2000",
    RELAY_SWEEP_MS: "300",
    RECEIPT_DEADLINE_MS: "3000",
    WORKER_CONCURRENCY: "25",
    LOG_LEVEL: "error",
  };
  const child = spawn(process.execPath, [path.join(projectRoot, "bin", "motcua.js"), "serve", "--role", "worker"], { env, stdio: ["ignore", "ignore", "inherit"] });
  children.push(child);
  return child;
}

let killedAt: Date | undefined;
const distinct = () => new Set(s.zalo.messages.map((m) => m.trackingId)).size;

describe("a worker killed mid-batch and a flushed Redis", () => {
  it("lose no notice and duplicate none (1,200 notices)", async () => {
    const total = 1200;
    for (let b = 0; b < 2; b += 1) {
      const events = Array.from({ length: total / 2 }, () => s.event({ applicant: { phone: `0912${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}` } }));
      expect((await s.post("/api/v1/dossier-events/batch", { events })).body.accepted).toBe(total / 2);
    }
    expect(await s.ctx.db.notice.count()).toBe(total);

    const first = startWorkerProcess();
    await s.waitFor(async () => distinct() >= 300, "300 notices sent by the first worker", 60_000);
    first.kill("SIGKILL");
    killedAt = new Date();
    await new Promise((r) => first.once("exit", r));
    const sentByFirst = distinct();

    const redis = new Redis(redisUrl);
    await redis.flushdb(); // every queued job id is gone
    redis.disconnect();

    startWorkerProcess();
    await s.waitFor(
      async () => (await s.ctx.db.notice.count({ where: { status: { not: "DELIVERED" } } })) === 0,
      "every notice to be settled",
      90_000,
    );

    const perNotice = new Map<string, number>();
    for (const m of s.zalo.messages) perNotice.set(m.trackingId!, (perNotice.get(m.trackingId!) ?? 0) + 1);
    const duplicates = [...perNotice.entries()].filter(([, n]) => n > 1);
    if (duplicates.length) {
      for (const [id] of duplicates) {
        const attempts = await s.ctx.db.noticeAttempt.findMany({ where: { noticeId: id }, orderBy: { startedAt: "asc" } });
        console.log("DUP", id, JSON.stringify(attempts.map((a) => [a.attemptNo, a.status, a.outcome, a.startedAt, a.dispatchedAt, a.sentAt])), JSON.stringify(s.zalo.messages.filter((m) => m.trackingId === id).map((m) => new Date(m.at))), "kill at", killedAt);
      }
    }
    expect(duplicates).toEqual([]);
    // Every notice reached the provider exactly once and was confirmed by its receipt. Requests under
    // way when the process died were recorded UNCONFIRMED and never repeated blindly: those that had
    // reached Zalo were confirmed by their receipt; the others, with no receipt by the deadline, sent again.
    expect(perNotice.size).toBe(total);
    const unconfirmed = await s.ctx.db.noticeAttempt.count({ where: { status: { in: ["UNCONFIRMED"] } } });
    const resent = await s.ctx.db.noticeAttempt.count({ where: { outcome: "no_receipt" } });
    const confirmedAfterKill = await s.ctx.db.noticeAttempt.count({ where: { dispatchedAt: { not: null }, sentAt: null, status: "DELIVERED" } });
    console.info(
      `crash recovery: ${sentByFirst} sent before the kill; in flight at the kill: ${confirmedAfterKill} confirmed by receipt, ${resent} sent again after no receipt (${unconfirmed} left unconfirmed); ${perNotice.size} of ${total} delivered, none twice`,
    );
  }, 180_000);
});
