/** The hand-over rules of form 05: the postal events' parties, the waybill in a note, early / on time / late. */
import { describe, expect, it } from "vitest";
import { handoverResult, postalHandover, waybillIn } from "../../src/dossiers/handover-rules.js";

const due = new Date("2026-12-03T17:00:00+07:00");

describe("hand-over rules", () => {
  it("judges a hand-over by Vietnam's calendar day against its deadline; no deadline is on time", () => {
    expect(handoverResult(new Date("2026-12-02T23:59:00+07:00"), due)).toBe("EARLY");
    expect(handoverResult(new Date("2026-12-03T00:05:00+07:00"), due)).toBe("ON_TIME");
    expect(handoverResult(new Date("2026-12-03T20:00:00+07:00"), due)).toBe("ON_TIME");
    // 17:30 UTC on the 3rd is already the 4th in Vietnam.
    expect(handoverResult(new Date("2026-12-03T17:30:00Z"), due)).toBe("LATE");
    expect(handoverResult(new Date("2026-12-10T09:00:00+07:00"), null)).toBe("ON_TIME");
  });

  it("finds an S10 waybill code in a note, in any case; none otherwise", () => {
    expect(waybillIn("Bưu tá đã nhận, số hiệu eb123456789vn.")).toBe("EB123456789VN");
    expect(waybillIn("Mã: RR000000001VN; ghi chú khác")).toBe("RR000000001VN");
    expect(waybillIn("Số điện thoại 0912345678")).toBeNull();
    expect(waybillIn(null)).toBeNull();
  });

  it("names the post office as one party of each postal event, the other being the applicant or the commune's desk", () => {
    const d = { dueAt: due, newDueAt: null };
    const at = new Date("2026-12-01T09:00:00+07:00");
    const parties = (status: "POSTAL_COLLECTED" | "POSTAL_HANDED_TO_DESK" | "RESULT_HANDED_TO_POST" | "DELIVERED") => {
      const h = postalHandover({ status, occurredAt: at, note: null }, d, "Phường Hồng Ngự", "Lê Thị Hoa")!;
      return [h.fromUnit, h.toUnit, h.handedBy, h.receivedBy];
    };
    expect(parties("POSTAL_COLLECTED")).toEqual(["Người nộp hồ sơ", "Bưu điện", "Lê Thị Hoa", "Nhân viên bưu điện"]);
    expect(parties("POSTAL_HANDED_TO_DESK")).toEqual(["Bưu điện", "Bộ phận một cửa Phường Hồng Ngự", "Nhân viên bưu điện", "Cán bộ một cửa"]);
    expect(parties("RESULT_HANDED_TO_POST")).toEqual(["Bộ phận một cửa Phường Hồng Ngự", "Bưu điện", "Cán bộ một cửa", "Nhân viên bưu điện"]);
    expect(parties("DELIVERED")).toEqual(["Bưu điện", "Người nộp hồ sơ", "Nhân viên bưu điện", "Lê Thị Hoa"]);
    expect(postalHandover({ status: "PROCESSING", occurredAt: at, note: null }, d, null, null)).toBeNull();
    // Judged against the new date after an apology.
    const moved = postalHandover({ status: "DELIVERED", occurredAt: new Date("2026-12-05T10:00:00+07:00"), note: "EB123456789VN" }, { dueAt: due, newDueAt: new Date("2026-12-08T17:00:00+07:00") }, null, null)!;
    expect(moved).toMatchObject({ result: "EARLY", toUnit: "Người nộp hồ sơ", receivedBy: "Người nộp hồ sơ", postalReceipt: "EB123456789VN" });
  });
});
