/**
 * The hamlet import form: with JavaScript, a CSV file chosen is read (as UTF-8) into the list's
 * text box, so it is previewed like pasted text. Without it, the file field stays hidden and the
 * list is pasted.
 */
export function enhanceCsvFile(root: ParentNode): void {
  for (const wrap of Array.from(root.querySelectorAll<HTMLElement>("[data-csv-file]"))) {
    const input = wrap.querySelector<HTMLInputElement>("input[type=file]");
    const form = wrap.closest("form");
    const target = form?.querySelector<HTMLTextAreaElement>("textarea");
    if (!input || !target) continue;
    wrap.hidden = false;
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (!file) return;
      const reader = new FileReader();
      reader.onload = () => {
        target.value = String(reader.result ?? "");
        target.focus();
      };
      reader.readAsText(file, "utf-8");
    });
  }
}
