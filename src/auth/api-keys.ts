/**
 * API keys: shown once when created, stored only as a SHA-256 hash, each with a role and an
 * optional unit scope (a commune or province code).
 */
import { createHash, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/client.js";
import type { StaffRole } from "../generated/prisma/enums.js";
import { ValidationError } from "../errors.js";
import type { Principal } from "./guard.js";

export { ForbiddenError, UnauthorizedError, type Principal } from "./guard.js";

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface ApiKeyCacheOptions {
  /**
   * How long a valid key is trusted without asking the database again. This bounds how long a
   * revoked key keeps working in any process (revoking in one process cannot reach the others'
   * memory); 500 ms keeps revocation well within 1 s.
   */
  validMs?: number;
  /** How long a wrong or revoked key is remembered as such. */
  invalidMs?: number;
  /** At most this many keys are remembered (least recently used first out), valid or not. */
  maxEntries?: number;
}

/** Keys in memory: the hash's verdict, so a busy client does not cost a query per request. */
type Verdict = { principal: Principal | null };

export class ApiKeyService {
  private readonly cache: LRUCache<string, Verdict>;
  /**
   * Keys that proved valid here in the last day: while an address is held for failed
   * authentications, these are still let through (a client behind the same address, a NAT or a
   * commune office, is not locked out by someone else's wrong keys).
   */
  private readonly provenGood = new LRUCache<string, true>({ max: 1000, ttl: 24 * 3600_000 });
  private readonly validMs: number;
  private readonly invalidMs: number;

  constructor(private readonly db: Db, options: ApiKeyCacheOptions = {}) {
    this.validMs = options.validMs ?? 500;
    this.invalidMs = options.invalidMs ?? 30_000;
    this.cache = new LRUCache<string, Verdict>({ max: options.maxEntries ?? 10_000, ttl: this.invalidMs });
  }

  /** How many keys are remembered now (never more than `maxEntries`). */
  get cachedEntries(): number {
    return this.cache.size;
  }

  /**
   * A new key. With `staffUserId`, it is that staff member's (the account's role and unit are the
   * caller's to pass): it ends with the account, and counts as the same person as the member's
   * session and other keys for the two-person rule of urgent announcements.
   */
  async create(input: { name: string; role: StaffRole; unitCode?: string | null; staffUserId?: string | null }): Promise<{ key: string; id: string; prefix: string }> {
    const name = input.name.trim();
    if (!name) throw new ValidationError("--name không được để trống (must not be empty).");
    if (input.unitCode) {
      const unit = await this.db.adminUnit.findUnique({ where: { code: input.unitCode } });
      if (!unit) throw new ValidationError(`--unit ${input.unitCode}: không có đơn vị hành chính mã này (not a known commune or province code).`);
    }
    if ((input.role === "COMMUNE_STAFF" || input.role === "POST_OFFICE_STAFF") && !input.unitCode) {
      throw new ValidationError(`--unit là bắt buộc với khóa ${input.role.toLowerCase()}: mã xã/phường hoặc mã tỉnh (a ${input.role.toLowerCase()} key needs --unit <commune or province code>).`);
    }
    const key = `mck_${randomBytes(32).toString("base64url")}`;
    const prefix = key.slice(0, 12);
    const row = await this.db.apiKey.create({ data: { name, role: input.role, unitCode: input.unitCode ?? null, staffUserId: input.staffUserId ?? null, prefix, keyHash: hashKey(key) } });
    return { key, id: row.id, prefix };
  }

  async revoke(prefix: string): Promise<number> {
    const { count } = await this.db.apiKey.updateMany({ where: { prefix, revokedAt: null }, data: { revokedAt: new Date() } });
    // This process forgets at once (a look-up under way now answers its own callers but is not
    // remembered); every other process within `validMs`.
    this.cache.clear();
    this.lookups.clear();
    this.generation += 1;
    return count;
  }

  /** The last header seen and its key's hash: a request asks twice (`provedValid`, `authenticate`), a busy client sends one key. */
  private lastHeader: string | undefined;
  private lastHash: string | null = null;

  /** The hash of the key in an `Authorization: Bearer …` header, or null. */
  private hashOf(header: string | undefined): string | null {
    if (header === undefined) return null;
    if (header !== this.lastHeader) {
      const match = header.match(/^Bearer\s+(\S+)\s*$/i);
      this.lastHash = match ? hashKey(match[1]!) : null;
      this.lastHeader = header;
    }
    return this.lastHash;
  }

  /** Whether this header's key has proved valid in this process recently (see `provenGood`). */
  provedValid(header: string | undefined): boolean {
    const hash = this.hashOf(header);
    return hash !== null && this.provenGood.has(hash);
  }

  /**
   * Look-ups under way, by key hash: the requests that find a key's verdict expired while one is
   * being read wait for that one. (A busy client's key expires every `validMs`, and each of its
   * concurrent requests then read the key again: 20 clients made 20 queries, and 20 lastUsedAt
   * writes a minute, every half second.)
   */
  private readonly lookups = new Map<string, Promise<Principal | null>>();
  /** Moves on at each revocation: a look-up begun before it is not remembered. */
  private generation = 0;

  /** The principal for an `Authorization: Bearer …` header, or null. */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    const hash = this.hashOf(header);
    if (hash === null) return null;
    const cached = this.cache.get(hash);
    if (cached) return cached.principal;
    let lookup = this.lookups.get(hash);
    if (!lookup) {
      lookup = this.lookUp(hash).finally(() => {
        if (this.lookups.get(hash) === lookup) this.lookups.delete(hash);
      });
      this.lookups.set(hash, lookup);
    }
    return lookup;
  }

  private async lookUp(hash: string): Promise<Principal | null> {
    const generation = this.generation;
    // A key of a staff member (staffUserId) ends with the account: a disabled member's key is refused as her sessions are.
    const row = await this.db.apiKey.findUnique({ where: { keyHash: hash }, include: { staffUser: { select: { active: true } } } });
    const principal: Principal | null = row && !row.revokedAt && row.staffUser?.active !== false ? { kind: "api-key", id: row.id, name: row.name, role: row.role, unitCode: row.unitCode } : null;
    if (generation === this.generation) {
      this.cache.set(hash, { principal }, { ttl: principal ? this.validMs : this.invalidMs });
      if (principal) this.provenGood.set(hash, true);
      else this.provenGood.delete(hash);
    }
    // lastUsedAt is kept to the minute: one write a minute per key, not one per cache miss.
    if (row && principal && (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000)) {
      void this.db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    }
    return principal;
  }
}
