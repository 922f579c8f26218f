/** The notice lifecycle's transition tables (pure logic): what may follow what. */
import { describe, expect, it } from "vitest";
import { ATTEMPT_TRANSITIONS, NOTICE_TRANSITIONS, attemptFrom, noticeFrom } from "../../src/notifications/notice-store.js";

describe("the notice lifecycle tables", () => {
  it("end in DELIVERED and CANCELLED, and never leave them", () => {
    expect(NOTICE_TRANSITIONS.DELIVERED).toEqual([]);
    expect(NOTICE_TRANSITIONS.CANCELLED).toEqual([]);
    expect(ATTEMPT_TRANSITIONS.DELIVERED).toEqual([]);
    expect(ATTEMPT_TRANSITIONS.FAILED).toEqual([]);
  });

  it("never send an UNCONFIRMED notice again without a move back to QUEUED, and never from SENT to SENDING", () => {
    expect(NOTICE_TRANSITIONS.UNCONFIRMED).not.toContain("SENDING");
    expect(NOTICE_TRANSITIONS.SENT).not.toContain("SENDING");
    expect(noticeFrom("SENDING").sort()).toEqual(["DEFERRED", "QUEUED"]);
  });

  it("only a claimed notice becomes UNCONFIRMED, and only an attempt under way", () => {
    expect(noticeFrom("UNCONFIRMED")).toEqual(["SENDING"]);
    expect(attemptFrom("UNCONFIRMED")).toEqual(["SENDING"]);
  });

  it("lets a late receipt deliver a notice that was sent, unconfirmed, or failed on its last channel", () => {
    expect(noticeFrom("DELIVERED").sort()).toEqual(["FAILED", "SENDING", "SENT", "UNCONFIRMED"]);
    expect(attemptFrom("DELIVERED").sort()).toEqual(["SENDING", "SENT", "UNCONFIRMED"]);
  });

  it("moves on to the next channel (QUEUED) or ends (FAILED) only from a claim, a sent or an unconfirmed notice", () => {
    expect(noticeFrom("QUEUED", "FAILED").sort()).toEqual(["SENDING", "SENT", "UNCONFIRMED"]);
  });

  it("names only known statuses", () => {
    const notice = Object.keys(NOTICE_TRANSITIONS);
    for (const targets of Object.values(NOTICE_TRANSITIONS)) for (const t of targets) expect(notice).toContain(t);
    const attempt = Object.keys(ATTEMPT_TRANSITIONS);
    for (const targets of Object.values(ATTEMPT_TRANSITIONS)) for (const t of targets) expect(attempt).toContain(t);
  });
});
