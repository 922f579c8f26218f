/**
 * How a procedure's dossier is handed in — at the desk, online, by post — derived in one place
 * from the procedure's own facts, so every line the bot says about it (the answer's summary, the
 * "by post?" follow-up, the buttons it offers) agrees:
 *
 * - online only: a document note or the agency says so ("Chỉ nộp trực tuyến"; "nộp trực tuyến
 *   trên Cổng DVC…" with no desk named), or the name does ("trực tuyến toàn trình");
 * - online as well: the name, agency, fee or processing time mentions "trực tuyến" otherwise (a lower
 *   online fee; the portal's per-channel times, "Trực tuyến: 20 Ngày; Trực tiếp: …"), or a paper is
 *   (or one to show) is for the online way ("nếu … lựa chọn nộp hồ sơ theo hình thức trực tuyến",
 *   "tải lên (theo hình thức trực tuyến)", the electronic
 *   interactive form, "trên môi trường điện tử"): the answer never says "Nộp trực tiếp" alone
 *   beside lines about submitting online;
 * - by post: the catalog's postal flags (null: the source does not say — unknown, never guessed);
 * - in person: the steps the procedure's own data says need the citizen there — a thing to show or
 *   a document note saying someone "phải có mặt" / "có mặt khi …" (marriage: both sign the book) or
 *   signs "trước mặt người thực hiện chứng thực" (a note, or a clause of a document's name), or
 *   a form the desk prints while taking in the dossier for the citizen to check and sign, or
 *   biometrics taken at intake (ID cards). Post may still carry the dossier or the result where
 *   the flags say so; the answer says both. A step that names receiving ("nhận Giấy…", "trả kết
 *   quả") takes the result out of the post; presence at intake rules out home pickup
 *   (`homePickup`), as does any presence step: the citizen has to come in anyway.
 */
import { searchKey } from "../text/vietnamese.js";
import type { ProcedureView } from "./repository.js";

export interface Submission {
  /** "only": online and nowhere else; "also": online besides the desk; null: the source does not say. */
  online: "only" | "also" | null;
  /** The dossier may be sent by post (false: it may not; null: unknown). Always false when online only. */
  byPost: boolean | null;
  /** The result may be sent back by post (null: unknown). False when a step in person is receiving it. */
  resultByPost: boolean | null;
  /** The steps the data says need the citizen there, in the data's words. */
  inPerson: string[];
  /** The data says the citizen is there when the dossier is taken in (a form to sign at intake, biometrics). */
  presentAtIntake: boolean;
}

type SubmissionInput = Pick<ProcedureView, "name" | "agency" | "fee" | "postalSubmission" | "postalReturn" | "documents" | "toShow"> & Partial<Pick<ProcedureView, "processingTime">>;

const PRESENT = /\b(phai co mat|can co mat|co mat khi|co mat tai|co mat de)\b/;
/** Signing before the officer ("ký … trước mặt người thực hiện chứng thực"): the signer is there. */
const BEFORE_OFFICER = /\btruoc mat (nguoi thuc hien|can bo|cong chuc|nguoi tiep nhan)\b/;
const AT_INTAKE = /\b(thu nhan ho so [a-z ]{0,60}ky xac nhan|sinh trac hoc|thu nhan van tay|thu nhan mong mat)\b/;
const RECEIVING = /\b(nhan giay|nhan ket qua|tra ket qua|nhan the)\b/;

const ONLY_ONLINE = /\b(chi nop truc tuyen|chi thuc hien truc tuyen|truc tuyen toan trinh)\b/;
const ONLINE = /\btruc tuyen\b/;
const AT_DESK = /\b(truc tiep|bo phan mot cua|tai tru so)\b/;
/** A paper for the online way of submitting. */
const ONLINE_PAPER = /\b(truc tuyen|dien tu tuong tac|moi truong dien tu)\b/;

/**
 * Derived once per procedure object: the catalog's procedures are loaded once and never changed
 * in place (a change loads new objects), and the bot asks this of every answer it shows.
 */
const derived = new WeakMap<SubmissionInput, Submission>();

export function submissionOf(p: SubmissionInput): Submission {
  let s = derived.get(p);
  if (s === undefined) {
    s = derive(p);
    derived.set(p, s);
  }
  return s;
}

function derive(p: SubmissionInput): Submission {
  const notes = p.documents.map((d) => searchKey(d.note ?? "")).join(" | ");
  const name = searchKey(p.name);
  const agency = searchKey(p.agency ?? "");
  const onlyOnline = ONLY_ONLINE.test(notes) || ONLY_ONLINE.test(name) || (/\bnop truc tuyen\b/.test(agency) && !AT_DESK.test(agency));
  const papers = [...p.documents.map((d) => `${d.name} ${d.formNumber ?? ""} ${d.note ?? ""}`), ...p.toShow].map(searchKey);
  const saysOnline = [name, agency, searchKey(p.fee ?? ""), searchKey(p.processingTime ?? "")].some((t) => ONLINE.test(t)) || papers.some((t) => ONLINE_PAPER.test(t));
  const online = onlyOnline ? "only" : saysOnline ? "also" : null;
  const present = (t: string) => PRESENT.test(searchKey(t)) || BEFORE_OFFICER.test(searchKey(t));
  // a document's name may say it too, in a clause of its own ("Giấy tờ … (chưa ký; ký trước mặt người thực hiện chứng thực)")
  const named = p.documents.flatMap((d) => d.name.split(/[;()]/)).map((t) => t.trim()).filter((t) => t !== "" && BEFORE_OFFICER.test(searchKey(t)));
  const facts = [...p.toShow, ...p.documents.map((d) => d.note ?? ""), ...named.map((t) => `${t.charAt(0).toUpperCase()}${t.slice(1)}`)].filter(present);
  const inPerson = [...new Set(facts.map((t) => t.trim().replace(/[.;]+$/, "")))];
  const intake = p.documents.some((d) => AT_INTAKE.test(searchKey(`${d.name} ${d.note ?? ""}`))) || inPerson.some((t) => AT_INTAKE.test(searchKey(t)));
  const receivesInPerson = inPerson.some(receiving);
  return {
    online,
    byPost: online === "only" ? false : p.postalSubmission,
    resultByPost: receivesInPerson && p.postalReturn === true ? false : p.postalReturn,
    inPerson,
    presentAtIntake: intake,
  };
}

const receiving = (step: string) => RECEIVING.test(searchKey(step));

/**
 * The steps the data says need the citizen there to receive the result ("Cả hai bên … phải có mặt
 * khi ký Sổ và nhận Giấy chứng nhận kết hôn"): where there is one, the post office does not bring
 * the result home, whatever the postal flag says.
 */
export function resultInPerson(p: SubmissionInput): string[] {
  return submissionOf(p).inPerson.filter(receiving);
}

/** The post office may come to the citizen's home for the dossier: by post, and nothing the data says needs them there. */
export function homePickup(p: SubmissionInput): boolean {
  const s = submissionOf(p);
  return s.byPost === true && !s.presentAtIntake && s.inPerson.length === 0;
}
