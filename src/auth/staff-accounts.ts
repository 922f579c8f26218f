/**
 * Staff accounts and their console sessions.
 *
 * Accounts (PostgreSQL, StaffUser): created by `motcua staff create` with a one-time password the
 * first sign-in must replace; `reset-password` gives a new one-time password, `disable` ends the
 * account. Passwords are argon2id hashes.
 *
 * Sessions (Redis, shared by every API process): a random id (32 bytes) in the `motcua_staff`
 * cookie; Redis holds only its SHA-256, with the user's id, the session's CSRF token and the
 * account's password version (passwordChangedAt) when it began. A session slides: every request
 * pushes its end STAFF_SESSION_IDLE_SECONDS ahead. Each request reads the account by primary key,
 * so a disabled account, or one whose password was reset or changed elsewhere, stops every
 * session at once (its role, unit and name are read fresh too).
 *
 * Sign-in failures: STAFF_LOCKOUT_FAILURES wrong passwords lock the username (known or not) for
 * STAFF_LOCKOUT_SECONDS, and STAFF_SIGNIN_IP_FAILURES from one client address refuse that
 * address for as long; both answer 429 with Retry-After and the same words, whether the
 * username exists or not. A wrong current password on a password change counts alike. They are
 * counted in PostgreSQL ("LookupFailure", as wrong look-up proofs are), so emptying or restarting
 * Redis gives a guesser no more tries.
 */
import type { Env } from "../config/env.js";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "../db/client.js";
import { AppError, RateLimitedError, ValidationError } from "../errors.js";
import type { StaffRole } from "../generated/prisma/enums.js";
import { UnauthorizedError, type Principal } from "./guard.js";
import { generateOneTimePassword, hashPassword, passwordProblems, PASSWORD_MAX_LENGTH, verifyNothing, verifyPassword } from "./passwords.js";

export const SESSION_COOKIE = "motcua_staff";

/** Usernames: lower-case letters, digits, dot, dash, underscore; 3–32 characters, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** The roles a person can sign in with (integration is for systems: API keys only). */
export const SIGN_IN_ROLES = ["COMMUNE_STAFF", "POST_OFFICE_STAFF", "ADMIN"] as const satisfies readonly StaffRole[];
export type SignInRole = (typeof SIGN_IN_ROLES)[number];

/** The settings of staff accounts and sessions, as the environment gives them (one place for the app, the CLI and the demo). */
export function staffAccountsOptions(env: Pick<Env, "QUEUE_PREFIX" | "STAFF_SESSION_IDLE_SECONDS" | "STAFF_LOCKOUT_FAILURES" | "STAFF_LOCKOUT_SECONDS" | "STAFF_SIGNIN_IP_FAILURES">): StaffAccountsOptions {
  return {
    prefix: env.QUEUE_PREFIX,
    idleSeconds: env.STAFF_SESSION_IDLE_SECONDS,
    lockFailures: env.STAFF_LOCKOUT_FAILURES,
    lockSeconds: env.STAFF_LOCKOUT_SECONDS,
    ipFailures: env.STAFF_SIGNIN_IP_FAILURES,
  };
}

export interface StaffAccountsOptions {
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
  idleSeconds: number;
  lockFailures: number;
  lockSeconds: number;
  ipFailures: number;
}

/** A signed-in staff member, as a request sees them. */
export interface StaffSession {
  /** The cookie's value (never stored as is). */
  id: string;
  csrfToken: string;
  principal: Principal;
  username: string;
  fullName: string;
  role: StaffRole;
  unitCode: string | null;
  unitName: string | null;
  mustChangePassword: boolean;
}

interface StoredSession {
  /** Staff user id. */
  u: string;
  /** CSRF token. */
  c: string;
  /** The account's password version (passwordChangedAt in ms, 0 for none) when the session began. */
  v: number;
}

/** The same words for a wrong username, a wrong password and a disabled account. */
export const WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng (wrong username or password).";

const lockedMessage = (seconds: number) =>
  `Đăng nhập sai quá nhiều lần; vui lòng thử lại sau ${Math.ceil(seconds / 60)} phút (too many failed sign-ins; try again in ${seconds} s).`;
/** The address is held (many usernames tried from it), the account itself may be fine: said so, not blamed on the one signing in. */
const addressHeldMessage = (seconds: number) =>
  `Máy hoặc mạng này vừa có quá nhiều lần đăng nhập sai (có thể của người khác dùng chung mạng), nên tạm bị chặn; vui lòng thử lại sau ${Math.ceil(seconds / 60)} phút hoặc đăng nhập từ mạng khác (too many failed sign-ins from this address; try again in ${seconds} s).`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const versionOf = (changedAt: Date | null) => changedAt?.getTime() ?? 0;

/** The "LookupFailure" scopes of sign-in failures: per username (as typed, known or not) and per client address. */
export const SIGN_IN_USER_SCOPE = "STAFF_SIGNIN_USER";
export const SIGN_IN_CLIENT_SCOPE = "STAFF_SIGNIN_CLIENT";

export class StaffAccounts {
  private signIns = 0;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    readonly options: StaffAccountsOptions,
  ) {}

  // ───────────── accounts (the CLI) ─────────────

  async create(input: { username: string; fullName: string; role: string; unitCode?: string | null }): Promise<{ id: string; username: string; oneTimePassword: string }> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw new ValidationError(
        `--username "${input.username}": tên đăng nhập gồm 3–32 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới (3–32 of a-z, 0-9, . _ -, starting with a letter or digit).`,
      );
    }
    const fullName = input.fullName.trim();
    if (!fullName || fullName.length > 100) throw new ValidationError("--name: cần họ tên, tối đa 100 ký tự (a full name of 1 to 100 characters is required).");
    const role = input.role.trim().toUpperCase();
    if (!(SIGN_IN_ROLES as readonly string[]).includes(role)) {
      throw new ValidationError(`--role phải là commune_staff, post_office_staff hoặc admin (must be one of ${SIGN_IN_ROLES.map((r) => r.toLowerCase()).join(", ")}).`);
    }
    const unitCode = input.unitCode?.trim() || null;
    if (role !== "ADMIN" && !unitCode) {
      throw new ValidationError(`--unit là bắt buộc với vai trò ${role.toLowerCase()}: mã xã/phường hoặc mã tỉnh (a ${role.toLowerCase()} needs --unit <commune or province code>).`);
    }
    if (unitCode && !(await this.db.adminUnit.findUnique({ where: { code: unitCode }, select: { code: true } }))) {
      throw new ValidationError(`--unit ${unitCode}: không có đơn vị hành chính mã này (not a known commune or province code).`);
    }
    if (await this.db.staffUser.findUnique({ where: { username }, select: { id: true } })) {
      throw new AppError("CONFLICT", `Tên đăng nhập "${username}" đã có (username already taken).`);
    }
    const oneTimePassword = generateOneTimePassword();
    const row = await this.db.staffUser.create({
      data: { username, fullName, role: role as SignInRole, unitCode, passwordHash: await hashPassword(oneTimePassword), mustChangePassword: true },
    });
    return { id: row.id, username, oneTimePassword };
  }

  /** A new one-time password; the account's sessions end, and its sign-in lock is lifted. */
  async resetPassword(usernameInput: string): Promise<{ username: string; oneTimePassword: string }> {
    const user = await this.requireUser(usernameInput);
    const oneTimePassword = generateOneTimePassword();
    await this.db.staffUser.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(oneTimePassword), mustChangePassword: true, passwordChangedAt: new Date() },
    });
    // Refused from now on whatever Redis says (the password version changed); removed there too.
    await this.endSessions(user.id).catch(() => undefined);
    await this.liftLock(user.username);
    return { username: user.username, oneTimePassword };
  }

  /** Sets a known password that need not be changed (the demo's accounts only). */
  async setPasswordForDemo(usernameInput: string, password: string): Promise<void> {
    const user = await this.requireUser(usernameInput);
    await this.db.staffUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), mustChangePassword: false, passwordChangedAt: new Date(), active: true } });
    await this.endSessions(user.id);
    await this.liftLock(user.username);
  }

  /** Disables the account; its sessions stop at once. False when it was already disabled. */
  async disable(usernameInput: string): Promise<boolean> {
    const user = await this.requireUser(usernameInput);
    const { count } = await this.db.staffUser.updateMany({ where: { id: user.id, active: true }, data: { active: false } });
    // Refused from now on whatever Redis says (the account is inactive); removed there too.
    await this.endSessions(user.id).catch(() => undefined);
    return count > 0;
  }

  private async requireUser(usernameInput: string) {
    const username = usernameInput.trim().toLowerCase();
    const user = username ? await this.db.staffUser.findUnique({ where: { username } }) : null;
    if (!user) throw new AppError("NOT_FOUND", `Không có tài khoản "${usernameInput}" (no such staff account).`);
    return user;
  }

  // ───────────── signing in ─────────────

  /**
   * Signs in: a new session, or 401 (the same for an unknown user, a wrong password and a
   * disabled account) or 429 (locked username or address).
   */
  async signIn(usernameInput: string, password: string, client: string): Promise<StaffSession> {
    const username = usernameInput.trim().toLowerCase().slice(0, 64);
    const attempt = await this.reserveAttempt(username, client);
    const user = username ? await this.db.staffUser.findUnique({ where: { username } }) : null;
    const ok =
      password.length <= PASSWORD_MAX_LENGTH && user?.passwordHash && user.active ? await verifyPassword(user.passwordHash, password) : await verifyNothing(password.slice(0, PASSWORD_MAX_LENGTH));
    if (!ok || !user) {
      await this.lockIfReached(username, attempt);
      throw new UnauthorizedError(WRONG_CREDENTIALS);
    }
    await this.forgiveAttempt(username, client);
    await this.db.staffUser.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    return this.startSession(user.id, versionOf(user.passwordChangedAt));
  }

  /**
   * Changes the password of the session's account: the current one must be right (a wrong one
   * counts toward the lock), the new one must meet the policy. Every session of the account
   * ends; the caller gets a new one (a new cookie and CSRF token).
   */
  async changePassword(session: StaffSession, currentPassword: string, newPassword: string, client: string): Promise<StaffSession> {
    const attempt = await this.reserveAttempt(session.username, client);
    const user = await this.db.staffUser.findUnique({ where: { id: session.principal.id } });
    if (!user || !user.active) throw new UnauthorizedError(WRONG_CREDENTIALS);
    const right = user.passwordHash !== null && currentPassword.length <= PASSWORD_MAX_LENGTH && (await verifyPassword(user.passwordHash, currentPassword));
    if (!right) {
      await this.lockIfReached(user.username, attempt);
      throw new ValidationError("Mật khẩu hiện tại không đúng (the current password is wrong).", { field: "currentPassword" });
    }
    await this.forgiveAttempt(session.username, client);
    const problems = passwordProblems(newPassword, { username: user.username, current: currentPassword });
    if (problems.length > 0) throw new ValidationError(problems.join(" "), { field: "newPassword", issues: problems.map((message) => ({ field: "newPassword", message })) });
    const changedAt = new Date();
    await this.db.staffUser.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false, passwordChangedAt: changedAt } });
    await this.endSessions(user.id);
    return this.startSession(user.id, versionOf(changedAt));
  }

  /** Seconds until the username or the address may try again: 429 while either is locked. */
  private async refuseIfLocked(username: string, client: string): Promise<void> {
    const { lockSeconds, lockFailures, ipFailures } = this.options;
    const rows = await this.db.$queryRaw<{ scope: string; wait: number }[]>`
      SELECT scope, ceil(extract(epoch FROM "windowStart" + make_interval(secs => ${lockSeconds}) - now()))::int AS wait
        FROM "LookupFailure"
       WHERE "windowStart" > now() - make_interval(secs => ${lockSeconds})
         AND ((scope = ${SIGN_IN_USER_SCOPE} AND key = ${username} AND count >= ${lockFailures})
           OR (scope = ${SIGN_IN_CLIENT_SCOPE} AND key = ${client} AND count >= ${ipFailures}))`;
    const user = rows.find((r) => r.scope === SIGN_IN_USER_SCOPE)?.wait ?? 0;
    const address = rows.find((r) => r.scope === SIGN_IN_CLIENT_SCOPE)?.wait ?? 0;
    if (user > 0) throw new RateLimitedError(lockedMessage(Math.max(user, address)), Math.max(user, address));
    if (address > 0) throw new RateLimitedError(addressHeldMessage(address), address);
  }

  /**
   * Counts the attempt as a failure before the (slow) password check, so attempts fired at once
   * cannot outrun the limits (each count is one row, updated under its lock): 429 when this one is
   * over either. A right password takes it back (forgiveAttempt); a wrong one leaves it counted
   * (lockIfReached). A window is STAFF_LOCKOUT_SECONDS from its first failure.
   */
  private async reserveAttempt(username: string, client: string): Promise<{ consumed: number }> {
    await this.refuseIfLocked(username, client);
    this.prune();
    const window = this.options.lockSeconds;
    const keys = username ? [SIGN_IN_CLIENT_SCOPE, SIGN_IN_USER_SCOPE] : [SIGN_IN_CLIENT_SCOPE];
    const rows = await this.db.$queryRaw<{ scope: string; count: number; wait: number }[]>`
      INSERT INTO "LookupFailure" AS f (scope, key, "windowStart", count)
      SELECT t.scope, CASE WHEN t.scope = ${SIGN_IN_USER_SCOPE} THEN ${username} ELSE ${client} END, now(), 1 FROM unnest(${keys}::text[]) AS t(scope)
      ON CONFLICT (scope, key) DO UPDATE SET
        count = CASE WHEN f."windowStart" <= now() - make_interval(secs => ${window}) THEN 1 ELSE f.count + 1 END,
        "windowStart" = CASE WHEN f."windowStart" <= now() - make_interval(secs => ${window}) THEN now() ELSE f."windowStart" END
      RETURNING scope, count, GREATEST(1, ceil(extract(epoch FROM f."windowStart" + make_interval(secs => ${window}) - now())))::int AS wait`;
    const user = rows.find((r) => r.scope === SIGN_IN_USER_SCOPE);
    const address = rows.find((r) => r.scope === SIGN_IN_CLIENT_SCOPE);
    const userWait = user && user.count > this.options.lockFailures ? user.wait : 0;
    const addressWait = address && address.count > this.options.ipFailures ? address.wait : 0;
    if (userWait > 0) throw new RateLimitedError(lockedMessage(Math.max(userWait, addressWait)), Math.max(userWait, addressWait));
    if (addressWait > 0) throw new RateLimitedError(addressHeldMessage(addressWait), addressWait);
    return { consumed: user?.count ?? 0 };
  }

  /** After a wrong password: the failure that reaches the limit locks for the whole lock time (not what is left of the window). */
  private async lockIfReached(username: string, attempt: { consumed: number }): Promise<void> {
    if (username && attempt.consumed >= this.options.lockFailures) {
      await this.db.$executeRaw`UPDATE "LookupFailure" SET "windowStart" = now() WHERE scope = ${SIGN_IN_USER_SCOPE} AND key = ${username}`;
    }
  }

  /** After a right password: the attempt was no failure, and the username's failures are forgotten. */
  private async forgiveAttempt(username: string, client: string): Promise<void> {
    await this.db.$executeRaw`UPDATE "LookupFailure" SET count = GREATEST(count - 1, 0) WHERE scope = ${SIGN_IN_CLIENT_SCOPE} AND key = ${client}`;
    if (username) await this.liftLock(username);
  }

  /** Forgets a username's failures (a right password, a reset). */
  private async liftLock(username: string): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "LookupFailure" WHERE scope = ${SIGN_IN_USER_SCOPE} AND key = ${username}`;
  }

  /** Now and then, forgets windows long over (usernames typed once, addresses gone). */
  private prune(): void {
    this.signIns += 1;
    if (this.signIns % 200 !== 0) return;
    void this.db.$executeRaw`DELETE FROM "LookupFailure" WHERE scope IN (${SIGN_IN_USER_SCOPE}, ${SIGN_IN_CLIENT_SCOPE}) AND "windowStart" < now() - make_interval(secs => ${this.options.lockSeconds * 2})`.catch(() => undefined);
  }

  // ───────────── sessions ─────────────

  private sessionKey(id: string): string {
    return `${this.options.prefix}:staff-session:${sha256(id)}`;
  }

  private indexKey(userId: string): string {
    return `${this.options.prefix}:staff-user-sessions:${userId}`;
  }

  private async startSession(userId: string, version: number): Promise<StaffSession> {
    const id = randomBytes(32).toString("base64url");
    const stored: StoredSession = { u: userId, c: randomBytes(32).toString("base64url"), v: version };
    const key = this.sessionKey(id);
    await this.redis
      .multi()
      .set(key, JSON.stringify(stored), "EX", this.options.idleSeconds)
      .sadd(this.indexKey(userId), key)
      .expire(this.indexKey(userId), this.options.idleSeconds * 2)
      .exec();
    const session = await this.resume(id);
    if (!session) throw new AppError("SERVICE_UNAVAILABLE", "Không tạo được phiên đăng nhập (the session could not be stored).");
    return session;
  }

  /**
   * The session a cookie names, pushing its end ahead (sliding idle expiry); null when it has
   * expired, was ended, or its account is disabled or has a new password since.
   */
  async resume(id: string | undefined): Promise<StaffSession | null> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const key = this.sessionKey(id);
    const raw = await this.redis.getex(key, "EX", this.options.idleSeconds);
    if (!raw) return null;
    let stored: StoredSession;
    try {
      stored = JSON.parse(raw) as StoredSession;
    } catch {
      return null;
    }
    const user = await this.db.staffUser.findUnique({
      where: { id: stored.u },
      select: { id: true, username: true, fullName: true, role: true, unitCode: true, active: true, mustChangePassword: true, passwordChangedAt: true, unit: { select: { fullName: true } } },
    });
    if (!user || !user.active || versionOf(user.passwordChangedAt) !== stored.v || user.role === "INTEGRATION") {
      await this.redis.del(key);
      return null;
    }
    void this.redis.expire(this.indexKey(user.id), this.options.idleSeconds * 2).catch(() => undefined);
    return {
      id,
      csrfToken: stored.c,
      principal: { kind: "session", id: user.id, name: user.fullName, role: user.role, unitCode: user.unitCode },
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      unitCode: user.unitCode,
      unitName: user.unit?.fullName ?? null,
      mustChangePassword: user.mustChangePassword,
    };
  }

  /** Ends one session (signing out). */
  async endSession(id: string): Promise<void> {
    if (!id) return;
    await this.redis.del(this.sessionKey(id));
  }

  /** Ends every session of an account (reset, disable, password change). */
  async endSessions(userId: string): Promise<void> {
    const index = this.indexKey(userId);
    const keys = await this.redis.smembers(index);
    await this.redis.del(index, ...keys);
  }

  /** Whether a token is this session's CSRF token (constant time). */
  static csrfMatches(session: StaffSession, token: unknown): boolean {
    if (typeof token !== "string") return false;
    const a = Buffer.from(token);
    const b = Buffer.from(session.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
