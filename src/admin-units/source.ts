/**
 * The official administrative units (34 provinces, 3,321 communes after the 2025 reform), read
 * from prisma/seed/data/vn-admin-units.csv.
 * Source: thanglequoc/vietnamese-provinces-database, generated 2026-07-25 from the General
 * Statistics Office's list; MIT licence, Copyright (c) 2021 Thang Le Quoc.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectRoot } from "../paths.js";
import { AppError } from "../errors.js";
import { normalizeInput, searchKey } from "../text/vietnamese.js";

export const ADMIN_UNITS_ATTRIBUTION =
  "Administrative units: thanglequoc/vietnamese-provinces-database (MIT, (c) 2021 Thang Le Quoc), from the General Statistics Office's list.";

export const adminUnitsCsvPath = path.join(projectRoot, "prisma", "seed", "data", "vn-admin-units.csv");

const rowSchema = z.object({
  code: z.string().regex(/^\d{2}$|^\d{5}$/, "code must have 2 (province) or 5 (commune) digits"),
  level: z.enum(["province", "commune"]),
  name: z.string().min(1),
  full_name: z.string().min(1),
  unit_type: z.string().min(1),
  parent_code: z.string(),
});

export interface AdminUnitRecord {
  code: string;
  level: "PROVINCE" | "COMMUNE";
  name: string;
  fullName: string;
  unitType: string;
  searchName: string;
  parentCode: string | null;
}

export function parseAdminUnitsCsv(text: string): AdminUnitRecord[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines.shift()?.split(",").map((h) => h.trim());
  const expected = ["code", "level", "name", "full_name", "unit_type", "parent_code"];
  if (!header || expected.some((h, i) => header[i] !== h)) {
    throw new AppError("SEED_INVALID", `vn-admin-units.csv: expected the header ${expected.join(",")}`);
  }
  const records = lines.map((line, index) => {
    const cells = line.split(",");
    const parsed = rowSchema.safeParse(Object.fromEntries(expected.map((h, i) => [h, normalizeInput(cells[i] ?? "")])));
    if (!parsed.success) {
      throw new AppError("SEED_INVALID", `vn-admin-units.csv line ${index + 2}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    }
    const row = parsed.data;
    if (row.level === "commune" && !/^\d{2}$/.test(row.parent_code)) {
      throw new AppError("SEED_INVALID", `vn-admin-units.csv line ${index + 2}: commune ${row.code} has no province code`);
    }
    return {
      code: row.code,
      level: row.level === "province" ? ("PROVINCE" as const) : ("COMMUNE" as const),
      name: row.name,
      fullName: row.full_name,
      unitType: row.unit_type,
      searchName: searchKey(row.name),
      parentCode: row.level === "commune" ? row.parent_code : null,
    };
  });
  const provinces = new Set(records.filter((r) => r.level === "PROVINCE").map((r) => r.code));
  const orphan = records.find((r) => r.parentCode !== null && !provinces.has(r.parentCode));
  if (orphan) throw new AppError("SEED_INVALID", `vn-admin-units.csv: commune ${orphan.code} names an unknown province ${orphan.parentCode}`);
  return records;
}

export async function readAdminUnits(file = adminUnitsCsvPath): Promise<AdminUnitRecord[]> {
  return parseAdminUnitsCsv(await readFile(file, "utf8"));
}
