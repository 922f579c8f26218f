/**
 * A form page answered with errors: focus moves to the error summary, so a screen reader reads it
 * first and a keyboard user tabs from it to the fields (each of its links jumps to one).
 */
export function focusErrorSummary(root: Document): void {
  const summary = root.querySelector<HTMLElement>("[data-error-summary]");
  summary?.focus();
}
