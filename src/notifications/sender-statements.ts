/**
 * The sender's three statements — claim-and-read, attempt, result — each batched across the jobs
 * running at the same moment. Every notice keeps its own guarantees: its claim token, its
 * attempt written under that claim, its result written atomically with the attempt.
 */
import type pg from "pg";
import type { DeliveryChannel } from "../channels/channel.js";
import { MicroBatcher } from "../db/micro-batcher.js";

export interface ClaimedNotice {
  id: string;
  type: string;
  citizenId: string | null;
  channelPlan: string[] | null;
  channelIndex: number;
  variables: unknown;
  urgent: boolean;
  lastError: string | null;
  knownCitizen: string | null;
  phone: string | null;
  preferredChannels: string[] | null;
  citizenOptedOutAt: Date | null;
  identities: { channel: DeliveryChannel | "WEB" | "SANDBOX"; externalId: string; optedOut: boolean; reachable: boolean; lastInteractionAt: string | null }[];
}

export interface AttemptInput {
  attemptId: string;
  noticeId: string;
  claimToken: string;
  channel: DeliveryChannel;
  recipient: string;
  text: string;
  segments: number | null;
  plan: DeliveryChannel[];
  index: number;
}

export interface ResultInput {
  attemptId: string;
  noticeId: string;
  claimToken: string;
  delivered: boolean;
  providerMessageId: string | null;
  outcome: string;
  segments: number | null;
}

const pgArray = (values: string[]) => `{${values.join(",")}}`;

export class SenderStatements {
  private readonly claims: MicroBatcher<{ id: string; token: string }, ClaimedNotice | null>;
  private readonly attempts: MicroBatcher<AttemptInput, number | null>;
  private readonly results: MicroBatcher<ResultInput, void>;

  constructor(private readonly pool: pg.Pool) {
    this.claims = new MicroBatcher((items) => this.claimMany(items));
    this.attempts = new MicroBatcher((items) => this.attemptMany(items));
    this.results = new MicroBatcher((items) => this.resultMany(items));
  }

  /** Claims a due notice and reads what sending needs; null when it is not claimable. */
  claim(id: string, token: string): Promise<ClaimedNotice | null> {
    return this.claims.submit({ id, token });
  }

  /** Writes the attempt under the claim (renewing it), marked dispatched; its number, or null when the claim was lost. */
  attempt(input: AttemptInput): Promise<number | null> {
    return this.attempts.submit(input);
  }

  /** Records the provider's acceptance: attempt and notice together, never moving a status back. */
  result(input: ResultInput): Promise<void> {
    return this.results.submit(input);
  }

  private async claimMany(items: { id: string; token: string }[]): Promise<(ClaimedNotice | null)[]> {
    const rows = await this.pool.query<ClaimedNotice & { claimToken: string }>(
      `WITH claimed AS (
         UPDATE "Notice" n SET status = 'SENDING', "claimToken" = t.token, "claimedAt" = now(), "updatedAt" = now()
           FROM unnest($1::uuid[], $2::uuid[]) AS t(id, token)
          WHERE n.id = t.id AND n.status IN ('QUEUED', 'DEFERRED') AND (n."notBefore" IS NULL OR n."notBefore" <= now())
          RETURNING n.id, n."claimToken", n.type, n."citizenId", n."channelPlan"::text[] AS "channelPlan", n."channelIndex", n.variables, n.urgent, n."lastError"
       )
       SELECT c.*, z.id AS "knownCitizen", z.phone, z."preferredChannels"::text[] AS "preferredChannels", z."optedOutAt" AS "citizenOptedOutAt",
              COALESCE((SELECT json_agg(json_build_object('channel', i.channel, 'externalId', i."externalId", 'optedOut', i."optedOutAt" IS NOT NULL,
                                                          'reachable', i.reachable, 'lastInteractionAt', i."lastInteractionAt"))
                          FROM "ChannelIdentity" i WHERE i."citizenId" = c."citizenId"), '[]'::json) AS identities
         FROM claimed c LEFT JOIN "Citizen" z ON z.id = c."citizenId"`,
      [items.map((i) => i.id), items.map((i) => i.token)],
    );
    const byToken = new Map(rows.rows.map((r) => [r.claimToken, r]));
    return items.map((i) => byToken.get(i.token) ?? null);
  }

  private async attemptMany(items: AttemptInput[]): Promise<(number | null)[]> {
    const rows = await this.pool.query<{ id: string; attemptNo: number }>(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[])
           AS t("attemptId", "noticeId", token, channel, recipient, text, segments, plan, idx)
       ), held AS (
         UPDATE "Notice" n SET "claimedAt" = now(), "channelPlan" = i.plan::"ChannelKind"[], "channelIndex" = i.idx
           FROM input i WHERE n.id = i."noticeId" AND n.status = 'SENDING' AND n."claimToken" = i.token
          RETURNING n.id
       )
       INSERT INTO "NoticeAttempt" (id, "noticeId", channel, "attemptNo", status, recipient, text, segments, "dispatchedAt")
       SELECT i."attemptId", i."noticeId", i.channel::"ChannelKind",
              COALESCE((SELECT max(a."attemptNo") FROM "NoticeAttempt" a WHERE a."noticeId" = i."noticeId" AND a.channel = i.channel::"ChannelKind"), 0) + 1,
              'SENDING', i.recipient, i.text, i.segments, now()
         FROM input i WHERE i."noticeId" IN (SELECT id FROM held)
       RETURNING id, "attemptNo"`,
      [
        items.map((i) => i.attemptId),
        items.map((i) => i.noticeId),
        items.map((i) => i.claimToken),
        items.map((i) => i.channel),
        items.map((i) => i.recipient),
        items.map((i) => i.text),
        items.map((i) => i.segments),
        items.map((i) => pgArray(i.plan)),
        items.map((i) => i.index),
      ],
    );
    const byId = new Map(rows.rows.map((r) => [r.id, Number(r.attemptNo)]));
    return items.map((i) => byId.get(i.attemptId) ?? null);
  }

  private async resultMany(items: ResultInput[]): Promise<void[]> {
    await this.pool.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bool[], $5::text[], $6::text[], $7::int[])
           AS t("attemptId", "noticeId", token, delivered, "providerMessageId", outcome, segments)
       ), attempt AS (
         UPDATE "NoticeAttempt" a
            SET status = CASE WHEN a.status IN ('DELIVERED', 'FAILED') THEN a.status
                              WHEN i.delivered THEN 'DELIVERED'::"AttemptStatus" ELSE 'SENT'::"AttemptStatus" END,
                "providerMessageId" = i."providerMessageId", "sentAt" = now(),
                "deliveredAt" = COALESCE(a."deliveredAt", CASE WHEN i.delivered THEN now() END),
                outcome = COALESCE(a.outcome, i.outcome), segments = COALESCE(i.segments, a.segments)
           FROM input i WHERE a.id = i."attemptId"
          RETURNING a.id
       )
       UPDATE "Notice" n
          SET status = CASE WHEN n.status = 'DELIVERED' THEN n.status WHEN i.delivered THEN 'DELIVERED'::"NoticeStatus" ELSE 'SENT'::"NoticeStatus" END,
              "sentAt" = now(), "deliveredAt" = COALESCE(n."deliveredAt", CASE WHEN i.delivered THEN now() END),
              "claimToken" = NULL, "lastError" = NULL, "updatedAt" = now()
         FROM input i
        WHERE n.id = i."noticeId" AND n."claimToken" = i.token AND i."attemptId" IN (SELECT id FROM attempt)`,
      [
        items.map((i) => i.attemptId),
        items.map((i) => i.noticeId),
        items.map((i) => i.claimToken),
        items.map((i) => i.delivered),
        items.map((i) => i.providerMessageId),
        items.map((i) => i.outcome),
        items.map((i) => i.segments),
      ],
    );
    return items.map(() => undefined);
  }
}
