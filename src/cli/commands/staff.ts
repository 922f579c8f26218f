/**
 * `motcua staff create|reset-password|disable`: staff accounts for the console. A new or reset
 * account gets a one-time password, printed alone on the last line; the first sign-in must
 * replace it. Resetting or disabling ends the account's sessions at once.
 */
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { StaffAccounts, staffAccountsOptions } from "../../auth/staff-accounts.js";
import type { Env } from "../../config/env.js";
import { createDb } from "../../db/client.js";
import { ValidationError } from "../../errors.js";
import { requireDatabase } from "../../db/bootstrap.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { CLI_TEXT, STAFF_CLI_TEXT } from "../../text/cli-vi.js";

const USAGE = STAFF_CLI_TEXT.usage;

export async function runStaff(env: Env, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { username: { type: "string" }, name: { type: "string" }, role: { type: "string" }, unit: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ValidationError(`${CLI_TEXT.badOption((error as NodeJS.ErrnoException).code, (error as Error).message)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [sub, username, ...extra] = positionals;
  if (extra.length > 0) throw new ValidationError(`${STAFF_CLI_TEXT.extra(extra)}\n${USAGE}`);
  if (sub === "create") {
    if (username) throw new ValidationError(`${STAFF_CLI_TEXT.useUsernameOption}\n${USAGE}`);
    if (!values.username) throw new ValidationError(`${STAFF_CLI_TEXT.required("--username")}\n${USAGE}`);
    if (!values.name) throw new ValidationError(`${STAFF_CLI_TEXT.required("--name")}\n${USAGE}`);
    if (!values.role) throw new ValidationError(`${STAFF_CLI_TEXT.required("--role")}\n${USAGE}`);
  } else if (sub === "reset-password" || sub === "disable") {
    if (!username) throw new ValidationError(`${STAFF_CLI_TEXT.usernameRequired}\n${USAGE}`);
  } else {
    throw new ValidationError(USAGE);
  }
  await requireDatabase(env.DATABASE_URL); // never creates the database
  await ensureSchemaCurrent(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  // Sessions live in Redis; ending them there is tidy, but not needed for safety: every request
  // re-reads the account, so a disabled or reset account's sessions are refused regardless.
  const redis = new Redis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000, retryStrategy: (times) => (times > 2 ? null : 200) });
  redis.on("error", () => undefined);
  try {
    const accounts = new StaffAccounts(db, redis, staffAccountsOptions(env));
    if (sub === "create") {
      const created = await accounts.create({ username: values.username!, fullName: values.name!, role: values.role!, unitCode: values.unit ?? null });
      console.log(STAFF_CLI_TEXT.created(created.username, values.role!.toLowerCase(), values.unit));
      console.log(created.oneTimePassword);
      return 0;
    }
    if (sub === "reset-password") {
      const reset = await accounts.resetPassword(username!);
      console.log(STAFF_CLI_TEXT.reset(reset.username));
      console.log(reset.oneTimePassword);
      return 0;
    }
    const changed = await accounts.disable(username!);
    console.log(changed ? STAFF_CLI_TEXT.disabled(username!) : STAFF_CLI_TEXT.alreadyDisabled(username!));
    return 0;
  } finally {
    redis.disconnect();
    await db.$disconnect();
  }
}
