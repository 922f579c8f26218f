/**
 * What people read about imported procedure data: the import's problems count documents as the
 * difference does (from 1), and the portal's document lists are shown without header lines or
 * repeats (the data file stays as the portal has it).
 */
import { describe, expect, it } from "vitest";
import { parseCorrections } from "../../src/catalog/corrections.js";
import type { ProcedureView } from "../../src/catalog/repository.js";
import { checkCatalog, cleanPortalName, isDocumentHeading, readCatalogSources } from "../../src/catalog/source.js";
import { botText } from "../../bots/messages/vi.js";

const record = {
  code: "1.000001",
  name: "Thủ tục thử",
  field: "Hộ tịch",
  level: "Cấp xã",
  agency: "UBND xã",
  processingTime: "1 ngày",
  fee: "Không",
  postalSubmission: true,
  postalReturn: true,
  documents: [
    { name: "Tờ khai", formNumber: null, originals: 1, copies: 0, note: null },
    { name: "", formNumber: null, originals: 1, copies: 0, note: null },
  ],
  toShow: [],
  legalBasis: ["Luật Hộ tịch 2014"],
  aliases: [],
  notes: [],
  sources: ["https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"],
  confidence: "HIGH",
  reviewStatus: "PUBLISHED",
  dataAsOf: "2026-06",
};

describe("procedures import: where a problem is", () => {
  it("counts documents from 1, as the difference does (documents[2] is the second)", () => {
    const { problems } = parseCorrections([record]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.problems).toEqual(["documents[2].name: không được để trống"]);
  });
});

const paper = (name: string, note: string | null = null, original = 1, copy = 0) => ({ name, form: null, original, copy, note });
const portalEntry = (documents: ReturnType<typeof paper>[]) => ({
  code: "1.099999",
  name: "Công nhận ban thử",
  field: "Nhà ở",
  level: "Cấp xã",
  agency: "UBND cấp xã",
  processing_time: "07 ngày làm việc",
  fee: "Không",
  postal: null,
  documents,
  legal_basis: null,
  sources: [],
  confidence: "medium",
  checked_at: "2026-06",
});

describe("the portal's document lists, as shown", () => {
  // the portal's table as it is: a case's lead-in written as a row, a row repeated within a case,
  // and the same paper again under another case's lead-in
  const rows = [
    paper("Đối với ban được bầu lần đầu thì hồ sơ bao gồm:", "Đối với ban được bầu lần đầu", 1, 1),
    paper("Văn bản đề nghị"),
    paper("Danh sách thành viên"),
    paper("Danh sách  thành viên"),
    paper("Trường hợp bầu lại thì hồ sơ gồm", null, 1, 1),
    paper("Danh sách thành viên", null, 0, 1),
    paper("Biên bản họp", "nếu có"),
    paper("Biên bản họp", "nếu có"),
  ];
  const { accepted, rejected } = checkCatalog([portalEntry(rows)], "PORTAL");

  it("shows a header row as a heading, not a paper, and each paper once per case — the file's rows untouched", () => {
    expect(rejected).toEqual([]);
    const docs = accepted[0]!.documents;
    expect(docs.map((d) => [d.position, d.name, d.originals, d.copies, d.note])).toEqual([
      [1, "Đối với ban được bầu lần đầu thì hồ sơ bao gồm:", 0, 0, null],
      [2, "Văn bản đề nghị", 1, 0, null],
      [3, "Danh sách thành viên", 1, 0, null],
      [4, "Trường hợp bầu lại thì hồ sơ gồm:", 0, 0, null],
      [5, "Danh sách thành viên", 0, 1, null],
      [6, "Biên bản họp", 1, 0, "nếu có"],
    ]);
    expect(docs.map(isDocumentHeading)).toEqual([true, false, false, true, false, false]);
    expect(rows).toHaveLength(8); // the source rows as the portal has them
  });

  it("numbers only the papers in the bot's answer; a heading carries no counts", () => {
    const r = accepted[0]!;
    const view: ProcedureView = { ...r, reviewStatus: r.reviewStatus, correctedAt: null, updatedAt: new Date(0) };
    const text = botText.documents(view);
    expect(text).toContain("▸ Đối với ban được bầu lần đầu thì hồ sơ bao gồm:\n1. Văn bản đề nghị — 1 bản chính\n2. Danh sách thành viên — 1 bản chính\n▸ Trường hợp bầu lại thì hồ sơ gồm:\n3. Danh sách thành viên — 1 bản sao\n4. Biên bản họp — 1 bản chính\n   nếu có");
    expect(text).not.toMatch(/\d\. (Đối với|Trường hợp)/);
  });

  it("leaves a curated list as its authors wrote it", () => {
    const curated = checkCatalog([{ ...portalEntry(rows), legal_basis: ["Luật Nhà ở 2023"], sources: ["https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"], confidence: "high", data_as_of: "2026" }], "CURATED");
    expect(curated.accepted[0]!.documents).toHaveLength(8);
  });
});

describe("what citizens read of the shipped catalog", () => {
  it("carries no internal confidence label: a citizen is told to confirm at the desk in plain words", async () => {
    const { accepted } = await readCatalogSources();
    const shown = (p: (typeof accepted)[number]) => [p.name, p.agency, p.processingTime, p.fee, ...p.toShow, ...p.notes, ...p.documents.flatMap((d) => [d.name, d.note, d.formNumber])];
    const labelled = accepted.flatMap((p) => shown(p).filter((t): t is string => t !== null && /độ tin cậy|tin cậy (cao|trung bình|thấp)|\bconfidence\b/iu.test(t)).map((t) => `${p.code}: ${t}`));
    expect(labelled).toEqual([]);
  });
});

describe("a portal name written in capitals", () => {
  it("is shown in sentence case without 'Thủ tục'; other names stay as the portal writes them", () => {
    expect(cleanPortalName("THỦ TỤC ĐĂNG KÝ HOẠT ĐỘNG TÍN NGƯỠNG (CẤP XÃ)")).toBe("Đăng ký hoạt động tín ngưỡng (cấp xã)");
    expect(cleanPortalName("THỦ TỤC QUỸ TỰ GIẢI THỂ (Cấp xã)")).toBe("Quỹ tự giải thể (cấp xã)");
    expect(cleanPortalName("Đăng ký khai sinh có yếu tố nước ngoài")).toBe("Đăng ký khai sinh có yếu tố nước ngoài");
    expect(cleanPortalName("Cấp Giấy chứng nhận đăng ký hộ kinh doanh (HKD)")).toBe("Cấp Giấy chứng nhận đăng ký hộ kinh doanh (HKD)");
  });

  it("is never left in capitals in the catalog as seeded", async () => {
    const { accepted } = await readCatalogSources();
    const shouting = accepted.filter((r) => {
      const letters = [...r.name].filter((c) => /\p{L}/u.test(c));
      return letters.filter((c) => c !== c.toLocaleLowerCase("vi")).length * 2 > letters.length;
    });
    expect(shouting.map((r) => `${r.code} ${r.name}`)).toEqual([]);
    expect(accepted.find((r) => r.code === "1.012592")?.name).toBe("Đăng ký hoạt động tín ngưỡng (cấp xã)");
  });
});
