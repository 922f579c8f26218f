import { parseArgs } from "node:util";
import { ApiKeyService } from "../../auth/api-keys.js";
import type { Env } from "../../config/env.js";
import { createDb } from "../../db/client.js";
import { ValidationError } from "../../errors.js";
import { requireDatabase } from "../../db/bootstrap.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { StaffRole } from "../../generated/prisma/enums.js";
import { KEYS_TEXT } from "../../text/cli-vi.js";

const USAGE = KEYS_TEXT.usage;

export async function runKeys(env: Env, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { role: { type: "string" }, name: { type: "string" }, unit: { type: "string" }, staff: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [sub, prefix] = positionals;
  if (sub !== "create" && !(sub === "revoke" && prefix)) throw new ValidationError(USAGE);
  await requireDatabase(env.DATABASE_URL); // reads never create the database
  await ensureSchemaCurrent(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL);
  try {
    const keys = new ApiKeyService(db);
    if (sub === "create" && values.staff !== undefined) {
      // a staff member's key: the account's role and unit (a --role or --unit that differs is refused)
      if (!values.name) throw new ValidationError(`${KEYS_TEXT.nameRequired}\n${USAGE}`);
      const account = await db.staffUser.findUnique({ where: { username: values.staff.trim() } });
      if (!account || !account.active) throw new ValidationError(KEYS_TEXT.noStaff(values.staff));
      if (values.role !== undefined && values.role.toUpperCase() !== account.role) throw new ValidationError(KEYS_TEXT.staffMismatch("--role", values.role, account.role.toLowerCase()));
      if (values.unit !== undefined && values.unit !== account.unitCode) throw new ValidationError(KEYS_TEXT.staffMismatch("--unit", values.unit, account.unitCode ?? "—"));
      const created = await keys.create({ name: values.name, role: account.role, unitCode: account.unitCode, staffUserId: account.id });
      console.log(KEYS_TEXT.created(account.role.toLowerCase(), values.name, created.prefix));
      console.log(created.key);
      return 0;
    }
    if (sub === "create") {
      const role = (values.role ?? "").toUpperCase();
      if (!(role in StaffRole)) throw new ValidationError(`${KEYS_TEXT.roleChoice(Object.keys(StaffRole).map((r) => r.toLowerCase()))}\n${USAGE}`);
      if (!values.name) throw new ValidationError(`${KEYS_TEXT.nameRequired}\n${USAGE}`);
      const created = await keys.create({ name: values.name, role: role as StaffRole, unitCode: values.unit ?? null });
      console.log(KEYS_TEXT.created(role.toLowerCase(), values.name, created.prefix));
      console.log(created.key);
      return 0;
    }
    if (sub === "revoke" && prefix) {
      const count = await keys.revoke(prefix);
      console.log(count ? KEYS_TEXT.revoked(count, prefix) : KEYS_TEXT.noneToRevoke(prefix));
      return count ? 0 : 1;
    }
    throw new ValidationError(USAGE);
  } finally {
    await db.$disconnect();
  }
}
