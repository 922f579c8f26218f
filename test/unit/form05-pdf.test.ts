/**
 * Form 05's table: a hand-over's note is one cell of a printed row, so its line breaks are read as
 * spaces there. A note made of line breaks (found by the attack pass: 1,000 characters, nearly all
 * "\n") spread one row over dozens of mostly blank pages, the table's border off the page.
 */
import { extractText, getDocumentProxy } from "unpdf";
import { describe, expect, it } from "vitest";
import { renderForm05Pdf, type FormDossier } from "../../src/dossiers/forms-pdf.js";

const dossier = (notes: (string | null)[]): FormDossier => ({
  code: "000.00.30.H20-261201-0001",
  procedure: { code: "1.001193", name: "Đăng ký khai sinh" },
  commune: { code: "30001", name: "Xã Tràm Chim" },
  applicant: { fullName: "Nguyễn Văn A" },
  receivedAt: new Date("2026-12-01T02:00:00Z"),
  dueAt: new Date("2026-12-04T10:00:00Z"),
  newDueAt: null,
  apology: null,
  handovers: notes.map((note, i) => ({
    fromUnit: "Bộ phận một cửa",
    toUnit: "Công chức tư pháp - hộ tịch",
    handedBy: "Trần Thị B",
    receivedBy: "Lê Văn C",
    handedAt: new Date(Date.UTC(2026, 11, 1, 3 + i)),
    stepDueAt: null,
    result: "ON_TIME",
    note,
    postalReceipt: null,
  })),
});

async function pages(buffer: Buffer): Promise<{ count: number; text: string }> {
  const pdf = await getDocumentProxy(new Uint8Array(buffer));
  return { count: pdf.numPages, text: ((await extractText(pdf, { mergePages: true })).text as string).replace(/\s+/g, " ") };
}

describe("form 05's table", () => {
  it("reads a note's line breaks as spaces: three hand-overs whose notes are nearly all line breaks fit on one page", async () => {
    const breaks = `Đã bổ sung${"\n".repeat(480)}bản sao${"\r\n".repeat(250)}giấy chứng sinh`;
    const { count, text } = await pages(await renderForm05Pdf(dossier([breaks, breaks, breaks])));
    expect(count).toBe(1);
    expect(text).toContain("Đã bổ sung bản sao giấy chứng sinh");
  });

  it("a note of 1,000 characters (the most a note holds) without breaks fits its row on one page: the row moves to the next page whole", async () => {
    const long = "Hồ sơ thiếu bản sao giấy tờ, đã hướng dẫn người dân bổ sung. ".repeat(16).slice(0, 1000);
    const { count } = await pages(await renderForm05Pdf(dossier([long])));
    expect(count).toBeLessThanOrEqual(2);
  });
});
