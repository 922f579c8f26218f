/**
 * Live progress: an element with data-poll="<json url>" is refreshed every few seconds from that
 * URL. Inside it, elements with data-field="counts.sent" (a dotted path into the JSON) get the
 * value as text, a <progress data-progress> gets value/max from data-value and data-max paths, and
 * polling stops once the JSON's `status` is one of data-final (comma-separated). Outside it, on the
 * same page, an element with data-live-status shows the JSON's `statusLabel`, and one with
 * data-live-hide="SENT,CANCELLED" is hidden once the status is one of those (a "stop" button
 * when there is nothing left to stop).
 */
function pick(data: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), data);
}

export function enhanceLiveProgress(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>("[data-poll]").forEach((box) => {
    const url = box.dataset.poll!;
    const final = (box.dataset.final ?? "").split(",").filter(Boolean);
    const every = Number(box.dataset.every ?? 2000);
    const tick = async (): Promise<void> => {
      let data: unknown;
      try {
        const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
        if (!res.ok) throw new Error(String(res.status));
        data = await res.json();
      } catch {
        window.setTimeout(tick, every * 2);
        return;
      }
      box.querySelectorAll<HTMLElement>("[data-field]").forEach((el) => {
        const v = pick(data, el.dataset.field!);
        if (v !== undefined && v !== null) el.textContent = typeof v === "number" ? v.toLocaleString("vi-VN") : String(v);
      });
      box.querySelectorAll<HTMLProgressElement>("progress[data-progress]").forEach((bar) => {
        const value = Number(pick(data, bar.dataset.value ?? ""));
        const max = Number(pick(data, bar.dataset.max ?? ""));
        if (Number.isFinite(max) && max > 0) bar.max = max;
        if (Number.isFinite(value)) bar.value = value;
      });
      const status = String(pick(data, "status") ?? "");
      const label = pick(data, "statusLabel");
      if (typeof label === "string") document.querySelectorAll<HTMLElement>("[data-live-status]").forEach((el) => (el.textContent = label));
      document.querySelectorAll<HTMLElement>("[data-live-hide]").forEach((el) => {
        if (el.dataset.liveHide!.split(",").includes(status)) el.hidden = true;
      });
      if (final.includes(status)) {
        box.dataset.done = "true";
        box.dispatchEvent(new CustomEvent("poll-done", { bubbles: true }));
        return;
      }
      window.setTimeout(tick, every);
    };
    window.setTimeout(tick, every);
  });
}
