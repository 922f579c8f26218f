/**
 * API keys: shown once when created, stored only as a SHA-256 hash, each with a role and an
 * optional unit scope (a commune or province code).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import type { StaffRole } from "../generated/prisma/enums.js";
import { AppError, ValidationError } from "../errors.js";

export interface Principal {
  keyId: string;
  name: string;
  role: StaffRole;
  unitCode: string | null;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(private readonly db: Db, private readonly cacheMs = 30_000) {}

  async create(input: { name: string; role: StaffRole; unitCode?: string | null }): Promise<{ key: string; id: string; prefix: string }> {
    const name = input.name.trim();
    if (!name) throw new ValidationError("--name must not be empty");
    if (input.unitCode) {
      const unit = await this.db.adminUnit.findUnique({ where: { code: input.unitCode } });
      if (!unit) throw new ValidationError(`--unit ${input.unitCode} is not an administrative unit code`);
    }
    if ((input.role === "COMMUNE_STAFF" || input.role === "POST_OFFICE_STAFF") && !input.unitCode) {
      throw new ValidationError(`a ${input.role.toLowerCase()} key needs --unit <commune or province code>`);
    }
    const key = `mck_${randomBytes(32).toString("base64url")}`;
    const prefix = key.slice(0, 12);
    const row = await this.db.apiKey.create({ data: { name, role: input.role, unitCode: input.unitCode ?? null, prefix, keyHash: hashKey(key) } });
    return { key, id: row.id, prefix };
  }

  async revoke(prefix: string): Promise<number> {
    const { count } = await this.db.apiKey.updateMany({ where: { prefix, revokedAt: null }, data: { revokedAt: new Date() } });
    this.cache.clear();
    return count;
  }

  /** The principal for an `Authorization: Bearer …` header, or null. */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) return null;
    const hash = hashKey(match[1]!);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.principal;
    const row = await this.db.apiKey.findUnique({ where: { keyHash: hash } });
    const principal = row && !row.revokedAt ? { keyId: row.id, name: row.name, role: row.role, unitCode: row.unitCode } : null;
    this.cache.set(hash, { principal, until: Date.now() + this.cacheMs });
    if (principal) void this.db.apiKey.update({ where: { id: principal.keyId }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return principal;
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = "Thiếu hoặc sai khóa API (missing or invalid API key): send Authorization: Bearer <key>.") {
    super("UNAUTHORIZED", message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}
