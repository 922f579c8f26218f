import { describe, expect, it } from "vitest";
import { readCatalogSources } from "../../src/catalog/source.js";
import { submissionOf } from "../../src/catalog/submission.js";
import { botText } from "../../bots/messages/vi.js";

const { accepted } = await readCatalogSources();
const byCode = (code: string) => accepted.find((p) => p.code === code)!;

describe("how a dossier is handed in, derived once per procedure", () => {
  it("online only where a document note or the agency says so: never also 'by post' or at the desk", () => {
    expect(submissionOf(byCode("3.000722"))).toEqual({ online: "only", byPost: false, resultByPost: false, inPerson: [], presentAtIntake: false });
    const fullyOnline = accepted.find((p) => /trực tuyến toàn trình/.test(p.name))!;
    expect(submissionOf(fullyOnline).online).toBe("only");
    expect(submissionOf(fullyOnline).byPost).toBe(false);
  });

  it("online as well where the fee or agency mentions it; by post from the catalog's flags, unknown kept unknown", () => {
    expect(submissionOf(byCode("1.004222"))).toEqual({ online: "also", byPost: false, resultByPost: false, inPerson: [], presentAtIntake: false });
    expect(submissionOf(byCode("1.001193"))).toEqual({ online: "also", byPost: true, resultByPost: true, inPerson: [], presentAtIntake: false });
    expect(submissionOf(byCode("2.000815"))).toEqual({ online: null, byPost: null, resultByPost: null, inPerson: [], presentAtIntake: false });
  });

  it("says 'online only' for no procedure the catalog lets citizens send by post", () => {
    for (const p of accepted) if (p.postalSubmission === true) expect(submissionOf(p).online, p.code).not.toBe("only");
  });
  it("reads from the data where the citizen must be there: a step in person, or biometrics taken at intake", () => {
    const marriage = submissionOf(byCode("1.000894"));
    expect(marriage.inPerson.join(" ")).toMatch(/phải có mặt/);
    expect(submissionOf(byCode("1.014064")).presentAtIntake).toBe(true);
    expect(submissionOf(byCode("1.001193"))).toMatchObject({ inPerson: [], presentAtIntake: false });
  });

  it("online as well where the portal's times name the online channel, or a paper is for the online way", () => {
    expect(submissionOf(byCode("3.000442")).online).toBe("also"); // "Trực tuyến: 30 Ngày; Dịch vụ bưu chính: …; Trực tiếp: …"
    expect(submissionOf(byCode("1.000656")).online).toBe("also"); // the form "nộp trực tuyến thì kê khai mẫu điện tử tương tác"
    expect(submissionOf(byCode("1.000419")).online).toBe("also"); // a paper to show "hoặc tải lên (theo hình thức trực tuyến)"
  });

  it("never has an answer say 'Nộp trực tiếp' alone beside lines about submitting online, nor 'only online' beside the desk or the post", () => {
    const contradictions: string[] = [];
    for (const r of accepted) {
      const lines = botText.documents({ ...r, correctedAt: null, updatedAt: new Date(0) }).split("\n");
      const postal = lines.find((l) => l.startsWith("📮 "))!;
      const rest = lines.filter((l) => l !== postal).join("\n");
      if (/^📮 Nộp trực tiếp(?! hoặc trực tuyến)/.test(postal) && /trực tuyến|môi trường điện tử|điện tử tương tác/i.test(rest)) contradictions.push(`${r.code}: ${postal}`);
      if (/^📮 Chỉ nộp trực tuyến/.test(postal) && /(nộp|làm|đến) trực tiếp|qua (Bưu điện|bưu chính)/i.test(rest)) contradictions.push(`${r.code}: ${postal}`);
    }
    expect(contradictions).toEqual([]);
  });
});

