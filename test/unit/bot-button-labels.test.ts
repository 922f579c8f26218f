/**
 * Buttons offering several procedures: each label tells its procedure apart, even where long
 * names differ only past the cut (issue 8 §3).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { botText } from "../../bots/messages/vi.js";

const names = (file: string) => (JSON.parse(readFileSync(new URL(`../../prisma/seed/data/${file}`, import.meta.url), "utf8")) as { code: string; name: string }[]);
const catalog = [...names("procedures.json"), ...names("procedures-commune.json")];

describe("procedure buttons", () => {
  it("label procedures whose names differ only past the cut by the words that differ", () => {
    const land = catalog.filter((p) => p.code === "1.012753" || p.code === "1.013978");
    const labels = botText.procedureButtonRows(land).map((row) => row[0]!.label);
    expect(new Set(labels).size).toBe(2);
    expect(labels[0]).toMatch(/^Đăng ký đất đai… đối với tổ chức/);
    expect(labels[1]).toMatch(/^Đăng ký đất đai… đối với hộ gia đình/);
    for (const l of labels) expect(l.length).toBeLessThanOrEqual(60);
  });

  it("never offers two buttons that read the same, for any two procedures of the catalog", () => {
    const byCut = new Map<string, { code: string; name: string }[]>();
    for (const p of catalog) byCut.set(p.name.slice(0, 57), [...(byCut.get(p.name.slice(0, 57)) ?? []), p]);
    const groups = [...byCut.values()].filter((g) => g.length > 1 && new Set(g.map((p) => p.name)).size === g.length);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      const rows = botText.procedureButtonRows(g);
      expect(new Set(rows.map((r) => r[0]!.label)).size, g.map((p) => p.code).join(" ")).toBe(g.length);
      expect(rows.map((r) => r[0]!.data)).toEqual(g.map((p) => `proc:${p.code}`));
    }
  });

  it("leave short names whole", () => {
    expect(botText.procedureButtonRows([{ code: "1", name: "Đăng ký khai sinh" }, { code: "2", name: "Đăng ký kết hôn" }])).toEqual([
      [{ label: "Đăng ký khai sinh", data: "proc:1" }],
      [{ label: "Đăng ký kết hôn", data: "proc:2" }],
    ]);
  });

  it("list the names in full under the question when a label had to shorten one, in the buttons' order", () => {
    // three joint procedures for a child under 6: their labels are cut before the cards they include
    const joint = ["3.000722", "2.000986", "2.001023"].map((code) => catalog.find((p) => p.code === code)!);
    const labels = botText.procedureButtonRows(joint).map((row) => row[0]!.label);
    expect(labels.some((l, i) => l !== joint[i]!.name)).toBe(true);
    const text = botText.withNamesInFull(botText.severalMatches, joint.map((p) => p.name));
    expect(text.split("\n")).toEqual([botText.severalMatches, ...joint.map((p, i) => `${i + 1}. ${p.name}`)]);
    // short names are whole on their buttons: the question alone
    expect(botText.withNamesInFull(botText.severalMatches, ["Đăng ký khai sinh", "Đăng ký kết hôn"])).toBe(botText.severalMatches);
  });
});
