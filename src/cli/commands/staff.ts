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

const USAGE = `usage: motcua staff create --username <u> --name "<họ tên>" --role commune_staff|post_office_staff|admin [--unit <mã xã hoặc tỉnh>]
       motcua staff reset-password <username>
       motcua staff disable <username>`;

export async function runStaff(env: Env, args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { username: { type: "string" }, name: { type: "string" }, role: { type: "string" }, unit: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ValidationError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [sub, username, ...extra] = positionals;
  if (extra.length > 0) throw new ValidationError(`Thừa tham số: ${extra.join(" ")} (unexpected arguments)\n${USAGE}`);
  if (sub === "create") {
    if (username) throw new ValidationError(`Dùng --username <tên> (use --username)\n${USAGE}`);
    if (!values.username) throw new ValidationError(`--username là bắt buộc (required)\n${USAGE}`);
    if (!values.name) throw new ValidationError(`--name là bắt buộc (required)\n${USAGE}`);
    if (!values.role) throw new ValidationError(`--role là bắt buộc (required)\n${USAGE}`);
  } else if (sub === "reset-password" || sub === "disable") {
    if (!username) throw new ValidationError(`Cần tên đăng nhập (a username is required)\n${USAGE}`);
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
      console.log(`Đã tạo tài khoản "${created.username}" (${values.role!.toLowerCase()}${values.unit ? `, đơn vị ${values.unit}` : ""}). Mật khẩu dùng một lần, chỉ hiện lúc này; lần đăng nhập đầu phải đổi:`);
      console.log(`(created "${created.username}"; its one-time password, shown only now, must be changed at the first sign-in:)`);
      console.log(created.oneTimePassword);
      return 0;
    }
    if (sub === "reset-password") {
      const reset = await accounts.resetPassword(username!);
      console.log(`Đã cấp lại mật khẩu cho "${reset.username}"; các phiên đăng nhập của tài khoản đã kết thúc. Mật khẩu dùng một lần, chỉ hiện lúc này:`);
      console.log(`(new one-time password for "${reset.username}"; its sessions have ended:)`);
      console.log(reset.oneTimePassword);
      return 0;
    }
    const changed = await accounts.disable(username!);
    console.log(
      changed
        ? `Đã khóa tài khoản "${username}"; các phiên đăng nhập đã kết thúc (disabled; its sessions have ended).`
        : `Tài khoản "${username}" đã bị khóa từ trước (already disabled).`,
    );
    return 0;
  } finally {
    redis.disconnect();
    await db.$disconnect();
  }
}
