/**
 * How a procedure's dossier is handed in — at the desk, online, by post — derived in one place
 * from the procedure's own facts, so every line the bot says about it (the answer's summary, the
 * "by post?" follow-up, the buttons it offers) agrees:
 *
 * - online only: a document note or the agency says so ("Chỉ nộp trực tuyến"; "nộp trực tuyến
 *   trên Cổng DVC…" with no desk named), or the name does ("trực tuyến toàn trình");
 * - online as well: the name, agency or fee mentions "trực tuyến" otherwise (a lower online fee);
 * - by post: the catalog's postal flags (null: the source does not say — unknown, never guessed).
 */
import { searchKey } from "../text/vietnamese.js";
import type { ProcedureView } from "./repository.js";

export interface Submission {
  /** "only": online and nowhere else; "also": online besides the desk; null: the source does not say. */
  online: "only" | "also" | null;
  /** The dossier may be sent by post (false: it may not; null: unknown). Always false when online only. */
  byPost: boolean | null;
  /** The result may be sent back by post (null: unknown). */
  resultByPost: boolean | null;
}

type SubmissionInput = Pick<ProcedureView, "name" | "agency" | "fee" | "postalSubmission" | "postalReturn" | "documents">;

const ONLY_ONLINE = /\b(chi nop truc tuyen|chi thuc hien truc tuyen|truc tuyen toan trinh)\b/;
const ONLINE = /\btruc tuyen\b/;
const AT_DESK = /\b(truc tiep|bo phan mot cua|tai tru so)\b/;

export function submissionOf(p: SubmissionInput): Submission {
  const notes = p.documents.map((d) => searchKey(d.note ?? "")).join(" | ");
  const name = searchKey(p.name);
  const agency = searchKey(p.agency ?? "");
  const onlyOnline = ONLY_ONLINE.test(notes) || ONLY_ONLINE.test(name) || (/\bnop truc tuyen\b/.test(agency) && !AT_DESK.test(agency));
  const online = onlyOnline ? "only" : ONLINE.test(name) || ONLINE.test(agency) || ONLINE.test(searchKey(p.fee ?? "")) ? "also" : null;
  return {
    online,
    byPost: online === "only" ? false : p.postalSubmission,
    resultByPost: p.postalReturn,
  };
}
