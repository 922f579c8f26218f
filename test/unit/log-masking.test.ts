import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.js";
import { maskName, maskPhone, maskPhonesInText } from "../../src/logging/mask.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: "info", destination }), lines };
}

describe("log masking", () => {
  it("masks phone numbers in every form", () => {
    expect(maskPhone("+84912345678")).toBe("+84912***678");
    expect(maskPhone("0912345678")).toBe("091***678");
    expect(maskPhonesInText("gọi 0912 345 678 hoặc +84987654321")).not.toMatch(/345|876/);
    expect(maskPhonesInText("sdt0912345678, tel:84987654321abc")).toBe("sdt091***678, tel:84987***321abc");
  });

  it("keeps only initials of names", () => {
    expect(maskName("Nguyễn Văn An")).toBe("N*** V*** A***");
    expect(maskName("Đặng Thị Ánh")).toBe("Đ*** T*** Á***");
  });

  it("never writes a phone number or a name to the log", () => {
    const { logger, lines } = capture();
    logger.info({ applicant: { fullName: "Nguyễn Văn An", phone: "0912345678" }, recipientName: "Trần Thị Bình", to: "+84987654321" }, "notice for 0912345678 queued");
    const out = lines.join("");
    expect(out).not.toContain("0912345678");
    expect(out).not.toContain("987654321");
    expect(out).not.toContain("Nguyễn Văn An");
    expect(out).not.toContain("Trần Thị Bình");
    expect(out).toContain("N*** V*** A***");
    expect(out).toContain("091***678");
  });

  it("leaves dossier codes and dates alone", () => {
    const { logger, lines } = capture();
    logger.info({ dossierCode: "H15.50.05.13-261008-0975", at: "2026-11-20" }, "event");
    expect(lines.join("")).toContain("H15.50.05.13-261008-0975");
  });
});
