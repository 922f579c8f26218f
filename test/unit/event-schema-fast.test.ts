/**
 * The ingest's short cut for well-formed events (`acceptedEvent`) answers what the schema answers:
 * the same parsed event for every value the schema accepts and the short cut takes, and nothing for
 * any value the schema refuses (its errors stay the schema's).
 */
import { describe, expect, it } from "vitest";
import { acceptedEvent, dossierEventSchema } from "../../src/dossiers/event-schema.js";

const hour = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const vn = (ms: number) => new Date(ms + 7 * hour).toISOString().slice(0, 19);

/** Each field's spellings: usual ones, odd-but-valid ones, and wrong ones. */
const variants = (now: number): Record<string, unknown[]> => ({
  eventId: ["e-1", "  e-2  ", "", "   ", "x".repeat(128), "x".repeat(129), ` ${"y".repeat(128)} `, 42, null, undefined],
  dossierCode: ["H15.50.05.13-261124-0001", " h15.50.05.13-261124-0002 ", "000.00.31.H15-20261124-000123", "H15-261124-1", "bad code", "", 7, undefined],
  status: ["RECEIVED", "RESULT_READY", "DELAYED", "received", "", null, undefined, 3],
  statusCode: [undefined, 2, "2", 9, "9", 10, "10", 0, 11, 2.5, "02", " 2", "", true, [2], null],
  occurredAt: [iso(now - hour), vn(now - hour), vn(now - hour).slice(0, 16), ` ${iso(now - 2 * hour)} `, "2026-02-31T10:00:00+07:00", "2026-11-24T24:00:00+07:00", "1999-12-31T10:00:00Z", iso(now + 10 * 60_000), "2026-11-24", "yesterday", "", 1700000000000, null, undefined],
  procedure: [undefined, null, { code: "1.001193", name: "Đăng ký khai sinh" }, { code: " 1.001193 ", name: "  " }, { code: "", name: null }, { code: "x".repeat(33) }, { name: "n".repeat(501) }, { code: 5 }, [], "1.001193"],
  applicant: [
    undefined,
    null,
    { fullName: "Nguyễn Văn An", phone: "0912345678" },
    { fullName: "  Trần Thị Bình ", phone: "+84 912 345 679" },
    { fullName: "", phone: "" },
    { phone: "   " },
    { phone: "84912345678" },
    { phone: "02773123456" },
    { phone: "12345" },
    { phone: "+14155552671" },
    { phone: 912345678 },
    { fullName: "a".repeat(201) },
    { fullName: null, phone: null },
    [],
  ],
  communeCode: [undefined, null, "29955", " 29955 ", "2995", "299555", "", 29955],
  channel: [undefined, null, "COUNTER", "ONLINE", "POSTAL", "counter", ""],
  dueAt: [undefined, null, iso(now + 72 * hour), "2027-01-15", vn(now + 48 * hour), "2020-01-01", iso(now + 6 * 365 * 24 * hour), "2027-02-30", "", 5],
  newDueAt: [undefined, null, "2027-03-01", "soon"],
  note: [undefined, null, "Đã nhận hồ sơ", "   ", "", "n".repeat(2000), "n".repeat(2001), 12],
  extra: [undefined, "ignored"],
});

describe("acceptedEvent", () => {
  it("answers the schema's parsed event for what the schema accepts, and nothing for what it refuses, over thousands of mixed spellings", () => {
    const now = Date.now();
    const fields = variants(now);
    let seed = 11;
    const pick = <T,>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return list[seed % list.length]!;
    };
    const usual = Object.fromEntries(Object.entries(fields).map(([k, list]) => [k, list[0]]));
    usual.status = "RECEIVED";
    usual.occurredAt = fields.occurredAt![0];
    let taken = 0;
    let accepted = 0;
    const wrong: unknown[] = [];
    for (let i = 0; i < 6000; i++) {
      // Mostly the usual event with one to three fields changed; sometimes everything at random.
      const raw: Record<string, unknown> = i % 5 === 0 ? Object.fromEntries(Object.entries(fields).map(([k, list]) => [k, pick(list)])) : { ...usual };
      if (i % 5 !== 0) for (let n = 1 + (i % 3); n > 0; n--) {
        const key = pick(Object.keys(fields));
        raw[key] = pick(fields[key]!);
      }
      for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
      const schema = dossierEventSchema.safeParse(raw);
      const fast = acceptedEvent(raw);
      if (schema.success) accepted += 1;
      if (fast === undefined) continue;
      taken += 1;
      if (!schema.success) wrong.push({ raw, fast, schema: schema.error.issues });
      else if (JSON.stringify(fast) !== JSON.stringify(schema.data) || fast.occurredAt.getTime() !== schema.data.occurredAt.getTime()) wrong.push({ raw, fast, schema: schema.data });
    }
    expect(wrong).toEqual([]);
    // The short cut does take most of what the schema accepts.
    expect(accepted).toBeGreaterThan(500);
    expect(taken).toBeGreaterThan(accepted * 0.9);
  });

  it("leaves non-objects to the schema", () => {
    for (const raw of [null, undefined, "event", 5, [], [{ eventId: "e" }]]) expect(acceptedEvent(raw)).toBeUndefined();
  });
});
