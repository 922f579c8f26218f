/**
 * What the catalog search says about a citizen's question, as the bot and the API render it.
 * This is the contract between the search (src/catalog/search) and its readers (bots/features,
 * the procedures API): the search decides which kind of answer a question gets; readers only
 * render it.
 *
 * - match: ranked procedures, best first, each with a confidence in [0, 1].
 * - choices: several variants of one procedure fit equally (with a foreign element, in a border
 *   area, mobile registration; ID card under or over 14; first issue, renewal or replacement): the
 *   reader offers them as choices instead of guessing. `prompt` is the question to put to the
 *   citizen ("Việc đăng ký kết hôn của bạn thuộc trường hợp nào?"), each variant carries its
 *   `variant` label and its own confidence, best first; two variants come first, then the search's
 *   best other procedure (no label) when it is at least as sure as the third variant and less than
 *   0.2 behind the best variant (CHOICES_LEAD in index.ts), then the rest of the variants (six
 *   places at most for the variants and that procedure), then, within the limit, the search's next
 *   best other procedures (no label, none surer than the last variant), in case the question is
 *   about none of the variants. The results stay best first.
 * - out-of-scope: the question is about something no commune handles (passport, driving licence,
 *   divorce, tax, social insurance…); `topic` names it and `whereToGo` says where to go instead.
 * - no-match: nothing in the catalog fits (including questions that only borrow a procedure's
 *   words for something absurd).
 * A match or choices found in the rest of a question that also names an out-of-scope topic ("làm
 * hộ chiếu và đăng ký thường trú") carries that topic as `alsoOutOfScope`, so the reader answers
 * the part a commune handles and says where to go for the other.
 */
import type { SearchResult } from "./index.js";

export interface AnswerResult extends SearchResult {
  /** the variant this procedure is ("Có yếu tố nước ngoài"), when it belongs to a variant group: on every variant offered in "choices" (not on the other procedures offered with them), and on the chosen one in "match" */
  variant?: string;
}

/** Something no commune handles, and where to go instead. */
export interface OutOfScope {
  topic: string;
  whereToGo: string;
}

/** Built by askCatalog (index.ts). */
export type SearchAnswer =
  | { kind: "match"; results: AnswerResult[]; alsoOutOfScope?: OutOfScope }
  | { kind: "choices"; prompt: string; results: AnswerResult[]; alsoOutOfScope?: OutOfScope }
  | { kind: "out-of-scope"; topic: string; whereToGo: string }
  | { kind: "no-match" };
