/**
 * "Which documents do I need?": free text goes to the catalog search. A confident match shows the
 * procedure; close matches are offered as buttons; no match says so honestly. Follow-ups (fee,
 * time, where, by post) stay on the procedure being discussed.
 */
import type { CatalogService } from "../../src/catalog/catalog-service.js";
import type { ProcedureView } from "../../src/catalog/repository.js";
import { searchKey } from "../../src/text/vietnamese.js";
import type { Feature, TurnContext } from "../engine/engine.js";
import { bookingText, botText } from "../messages/vi.js";

/** A top answer this sure, and this far ahead of the next, is shown directly. */
const CONFIDENT = 0.7;
const LEAD = 0.2;
const COMMON = ["1.001193", "1.000894", "1.004873", "2.000815", "1.004194", "1.004222"];

type Aspect = "fee" | "time" | "where" | "postal" | "docs" | "proxy";
/** Paper household books were abolished on 1 January 2023: the question gets that fact. */
const HOUSEHOLD_BOOK = /\b(so ho khau|so tam tru|ho khau giay)\b/;
const ASKS_IF_NEEDED = /\b(can|co can|phai|mang|nop|xuat trinh|photo|ban sao|con dung|con gia tri|con can|bi bo|con su dung)\b/;
const FOLLOW_UPS: [Aspect, RegExp][] = [
  // "nộp hộ", "làm thay" (not "làm hồ sơ", "hộ khẩu", "hộ tịch": "hộ" must end the phrase)
  ["proxy", /\b(nho (nguoi|ai|ba|me|bo|con|chong|vo|anh|chi|em)|nguoi (khac|nha|than) (di|lam|nop|nhan|ky)|uy quyen|khong (den|di|tu di) duoc)\b|\b(lam|nop|nhan|di|ky) (ho|thay|dum)(?=( (duoc|cho|giup|khong|dum|voi|nhe|nha|a|minh|toi|em|nguoi|the|nay))*$)/],
  ["postal", /\b(buu dien|buu chinh|buu ta|gui qua|qua buu|tan nha|ship|chuyen phat)\b/],
  ["fee", /\b(le phi|phi|bao nhieu tien|het bao nhieu|mat bao nhieu|ton bao nhieu|tien)\b/],
  ["time", /\b(bao lau|may ngay|bao nhieu ngay|thoi han|bao gio|khi nao|lau khong|mat may)\b/],
  ["where", /\b(o dau|cho nao|noi nop|nop o|nop tai|co quan nao|lam o dau|den dau)\b/],
  ["docs", /\b(giay to|can gi|can nhung gi|mang gi|chuan bi|ho so gom|thanh phan)\b/],
];

function followUpAspect(text: string): Aspect | null {
  const key = searchKey(text);
  for (const [aspect, pattern] of FOLLOW_UPS) if (pattern.test(key)) return aspect;
  return null;
}

export function documentsFeature(catalog: CatalogService): Feature {
  const show = async (ctx: TurnContext, p: ProcedureView) => {
    ctx.session.procedureCode = p.code;
    ctx.session.offered = undefined;
    ctx.reply({ text: botText.documents(p), buttons: p.postalSubmission === true ? [[bookingText.collectButton(p.code)], ...botText.followUpButtons] : botText.followUpButtons });
  };
  const answer = async (ctx: TurnContext, p: ProcedureView, aspect: Aspect): Promise<void> => {
    if (aspect === "docs") return show(ctx, p);
    const text =
      aspect === "fee" ? botText.fee(p) : aspect === "time" ? botText.time(p) : aspect === "where" ? botText.where(p) : aspect === "proxy" ? botText.proxy(p) : botText.postal(p);
    ctx.reply({ text, buttons: botText.followUpButtons });
  };

  return async (ctx, next) => {
    const m = ctx.inbound.message;
    if (m.kind === "button") {
      if (m.data.startsWith("proc:")) {
        const p = await catalog.get(m.data.slice(5));
        if (p) return show(ctx, p);
      }
      if (m.data === "ask-docs") return void ctx.reply({ text: botText.askWhichProcedure });
      if (m.data === "common") {
        const list = (await Promise.all(COMMON.map((c) => catalog.get(c)))).filter((p): p is ProcedureView => Boolean(p));
        return void ctx.reply({ text: botText.common, buttons: list.map((p) => [botText.procedureButton(p)]) });
      }
      const aspect = m.data.startsWith("ask-") ? (m.data.slice(4) as Aspect) : null;
      const current = ctx.session.procedureCode ? await catalog.get(ctx.session.procedureCode) : undefined;
      if (aspect && current) return answer(ctx, current, aspect);
      if (aspect) return void ctx.reply({ text: botText.askWhichProcedure });
      return next();
    }
    if (m.kind !== "text") return next();

    const key = searchKey(m.text);
    if (HOUSEHOLD_BOOK.test(key) && ASKS_IF_NEEDED.test(key.replace(HOUSEHOLD_BOOK, " "))) {
      return void ctx.reply({ text: botText.householdBook, buttons: botText.followUpButtons });
    }
    const results = await catalog.search(m.text, 3);
    const aspect = followUpAspect(m.text);
    const current = ctx.session.procedureCode ? await catalog.get(ctx.session.procedureCode) : undefined;
    const top = results[0];
    // A follow-up about the procedure under discussion, unless the question clearly names another.
    if (aspect && aspect !== "docs" && current && (!top || top.code === current.code || top.score < CONFIDENT)) return answer(ctx, current, aspect);
    if (!top) {
      if (aspect && current) return answer(ctx, current, aspect);
      ctx.session.procedureCode = undefined;
      return void ctx.reply({ text: botText.noMatch(m.text.trim()), buttons: [[{ label: "Các thủ tục thường gặp", data: "common" }], [{ label: botText.menuButton, data: "menu" }]] });
    }
    const second = results[1];
    if (top.score >= CONFIDENT && (!second || top.score - second.score >= LEAD)) {
      const p = await catalog.get(top.code);
      if (p) {
        if (aspect && aspect !== "docs") {
          ctx.session.procedureCode = p.code;
          return answer(ctx, p, aspect);
        }
        return show(ctx, p);
      }
    }
    ctx.session.offered = results.map((r) => r.code);
    ctx.reply({ text: botText.severalMatches, buttons: results.map((r) => [botText.procedureButton(r)]) });
  };
}
