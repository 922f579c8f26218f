/**
 * The staff console's progressive enhancement: every page works without it (plain forms and
 * links); with it, elements marked data-poll refresh their figures live.
 */
import { enhanceLiveProgress } from "./lib/live-progress.js";
import { focusErrorSummary } from "./lib/error-summary.js";
import { enhanceCsvFile } from "./lib/csv-file.js";
import { enhancePrintButtons } from "./lib/print-button.js";

document.addEventListener("DOMContentLoaded", () => {
  enhanceLiveProgress(document);
  focusErrorSummary(document);
  enhanceCsvFile(document);
  enhancePrintButtons(document);
});
