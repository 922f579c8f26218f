import type { Db } from "../db/client.js";
import { searchKey } from "../text/vietnamese.js";

export interface AdminUnitView {
  code: string;
  level: "PROVINCE" | "COMMUNE";
  name: string;
  fullName: string;
  unitType: string;
  parentCode: string | null;
  provinceName: string | null;
}

/** Finds provinces and communes by name, with or without diacritics, old or new tone placement. */
export class AdminUnitService {
  constructor(private readonly db: Db) {}

  async get(code: string): Promise<AdminUnitView | undefined> {
    const unit = await this.db.adminUnit.findUnique({ where: { code }, include: { parent: { select: { name: true } } } });
    return unit ? this.view(unit) : undefined;
  }

  async search(query: string, options: { level?: "PROVINCE" | "COMMUNE"; provinceCode?: string; limit?: number } = {}): Promise<AdminUnitView[]> {
    // Drop unit-type words so "xã An Bình" and "phuong ba dinh" find the unit by its name.
    const key = searchKey(query)
      .replace(/^(thanh pho|tinh|xa|phuong|dac khu|tp)\s+/, "")
      .trim();
    if (key === "") return [];
    const rows = await this.db.adminUnit.findMany({
      where: {
        searchName: { contains: key },
        ...(options.level ? { level: options.level } : {}),
        ...(options.provinceCode ? { parentCode: options.provinceCode } : {}),
      },
      include: { parent: { select: { name: true } } },
      take: 200,
    });
    const rank = (name: string) => (name === key ? 0 : name.startsWith(key) ? 1 : 2);
    return rows
      .sort((a, b) => rank(a.searchName) - rank(b.searchName) || a.searchName.length - b.searchName.length || a.code.localeCompare(b.code))
      .slice(0, options.limit ?? 10)
      .map((u) => this.view(u));
  }

  private view(u: { code: string; level: "PROVINCE" | "COMMUNE"; name: string; fullName: string; unitType: string; parentCode: string | null; parent: { name: string } | null }): AdminUnitView {
    return { code: u.code, level: u.level, name: u.name, fullName: u.fullName, unitType: u.unitType, parentCode: u.parentCode, provinceName: u.parent?.name ?? null };
  }
}
