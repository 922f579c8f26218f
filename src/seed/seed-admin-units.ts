import type { Db } from "../db/client.js";
import { readAdminUnits, type AdminUnitRecord } from "../admin-units/source.js";

export interface SeedCounts {
  created: number;
  updated: number;
  unchanged: number;
}

const same = (a: AdminUnitRecord, b: AdminUnitRecord) =>
  a.level === b.level && a.name === b.name && a.fullName === b.fullName && a.unitType === b.unitType && a.searchName === b.searchName && a.parentCode === b.parentCode;

/** Inserts missing units and updates changed ones; a second run changes nothing. */
export async function seedAdminUnits(db: Db, records?: AdminUnitRecord[]): Promise<SeedCounts> {
  const units = records ?? (await readAdminUnits());
  const existing = new Map(
    (await db.adminUnit.findMany({ select: { code: true, level: true, name: true, fullName: true, unitType: true, searchName: true, parentCode: true } })).map(
      (u) => [u.code, u as AdminUnitRecord],
    ),
  );
  const missing = units.filter((u) => !existing.has(u.code));
  const changed = units.filter((u) => existing.has(u.code) && !same(existing.get(u.code)!, u));
  // Provinces first so communes' parent keys resolve.
  const provinces = missing.filter((u) => u.level === "PROVINCE");
  const communes = missing.filter((u) => u.level === "COMMUNE");
  if (provinces.length) await db.adminUnit.createMany({ data: provinces, skipDuplicates: true });
  for (let i = 0; i < communes.length; i += 1000) {
    await db.adminUnit.createMany({ data: communes.slice(i, i + 1000), skipDuplicates: true });
  }
  for (const unit of changed) {
    const { code, ...data } = unit;
    await db.adminUnit.update({ where: { code }, data });
  }
  return { created: missing.length, updated: changed.length, unchanged: units.length - missing.length - changed.length };
}
