/** Buttons marked data-print print the page (the commune poster); hidden where there is no script. */
export function enhancePrintButtons(root: ParentNode): void {
  for (const button of Array.from(root.querySelectorAll<HTMLButtonElement>("button[data-print]"))) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
}
