import { parseArgs } from "node:util";
import { ApiKeyService } from "../../auth/api-keys.js";
import type { Env } from "../../config/env.js";
import { createDb } from "../../db/client.js";
import { ValidationError } from "../../errors.js";
import { requireDatabase } from "../../db/bootstrap.js";
import { ensureSchemaCurrent } from "../../db/migration-status.js";
import { StaffRole } from "../../generated/prisma/enums.js";

const USAGE = "usage: motcua keys create --role integration|commune_staff|post_office_staff|admin --name <name> [--unit <code>]  |  motcua keys revoke <prefix>";

export async function runKeys(env: Env, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { role: { type: "string" }, name: { type: "string" }, unit: { type: "string" } },
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
    if (sub === "create") {
      const role = (values.role ?? "").toUpperCase();
      if (!(role in StaffRole)) throw new ValidationError(`--role must be one of ${Object.keys(StaffRole).map((r) => r.toLowerCase()).join(", ")}\n${USAGE}`);
      if (!values.name) throw new ValidationError(`--name is required\n${USAGE}`);
      const created = await keys.create({ name: values.name, role: role as StaffRole, unitCode: values.unit ?? null });
      console.log(`created ${role.toLowerCase()} key "${values.name}" (prefix ${created.prefix}); it is shown only now:`);
      console.log(created.key);
      return 0;
    }
    if (sub === "revoke" && prefix) {
      const count = await keys.revoke(prefix);
      console.log(count ? `revoked ${count} key(s) with prefix ${prefix}` : `no active key with prefix ${prefix}`);
      return count ? 0 : 1;
    }
    throw new ValidationError(USAGE);
  } finally {
    await db.$disconnect();
  }
}
