/** Conversation sessions in Redis, expiring after a quiet spell. */
import type { Redis } from "ioredis";
import type { ConversationChannel, Session } from "./types.js";

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "motcua:session:",
    private readonly ttlSeconds = 24 * 3600,
  ) {}

  private key(channel: ConversationChannel, id: string): string {
    return `${this.prefix}${channel}:${id}`;
  }

  /**
   * One round trip at the start of a turn: counts the message against the per-minute limit and
   * reads the session. Answers null for the session when the limit is passed.
   */
  async begin(channel: ConversationChannel, id: string, limitPerMinute: number): Promise<Session | null> {
    const rateKey = `${this.prefix}rate:messages:${channel}:${id}`;
    const results = await this.redis.multi().incr(rateKey).expire(rateKey, 60, "NX").get(this.key(channel, id)).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    if (count > limitPerMinute) return null;
    return this.parse((results?.[2]?.[1] as string | null) ?? null);
  }

  async load(channel: ConversationChannel, id: string): Promise<Session> {
    return this.parse(await this.redis.get(this.key(channel, id)));
  }

  private parse(raw: string | null): Session {
    if (!raw) return { turns: 0 };
    try {
      const parsed = JSON.parse(raw) as Partial<Session>;
      return { ...parsed, turns: parsed.turns ?? 0 };
    } catch {
      return { turns: 0 };
    }
  }

  async save(channel: ConversationChannel, id: string, session: Session): Promise<void> {
    await this.redis.set(this.key(channel, id), JSON.stringify(session), "EX", this.ttlSeconds);
  }

  /** How many times `what` was counted within its window. */
  async count(channel: ConversationChannel, id: string, what: string): Promise<number> {
    return Number((await this.redis.get(`${this.prefix}rate:${what}:${channel}:${id}`)) ?? 0);
  }

  /** Sets a flag that lasts `seconds` (e.g. a lock-out). */
  async flag(channel: ConversationChannel, id: string, what: string, seconds: number): Promise<void> {
    await this.redis.set(`${this.prefix}flag:${what}:${channel}:${id}`, "1", "EX", seconds);
  }

  async flagged(channel: ConversationChannel, id: string, what: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}flag:${what}:${channel}:${id}`)) === 1;
  }

  /** Counts an event in a fixed window; true while under `limit`. */
  async allow(channel: ConversationChannel, id: string, what: string, limit: number, windowSeconds = 60): Promise<boolean> {
    const key = `${this.prefix}rate:${what}:${channel}:${id}`;
    const count = await this.redis.incr(key);
    if (count === 1) await this.redis.expire(key, windowSeconds);
    return count <= limit;
  }
}
