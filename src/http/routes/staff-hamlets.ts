/**
 * The staff console's hamlets page, /staff/hamlets: the commune's hamlets with their subscribers,
 * forms to add, rename, confirm and merge them, and a CSV import that shows every row's outcome
 * before anything is saved. Plain HTML forms (POST, then a redirect to the page with what was
 * done); an error re-renders the page with an error summary linked to the fields. The guard lets
 * the role in (ROUTES); HamletService confines it to its unit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Principal } from "../../auth/guard.js";
import { AppError, ValidationError } from "../../errors.js";
import type { HamletService, ImportResult } from "../../hamlets/hamlet-service.js";
import { HAMLET_MERGE_TEXT } from "../../text/staff-vi.js";
import { sendConsolePage } from "../../web/console.js";
import { requirePrincipal } from "../auth.js";
import { parseOrThrow } from "../errors.js";

const pageQuery = z.object({
  communeCode: z.string().trim().max(20).optional(),
  ok: z.enum(["added", "renamed", "confirmed", "merged", "imported"]).optional(),
  n: z.coerce.number().int().min(0).max(100_000).optional(),
});
const text = (max: number) => z.string().max(max).optional().default("");
const addForm = z.object({ communeCode: text(20), name: text(1000), code: text(100) });
const renameForm = z.object({ name: text(1000), code: text(100) });
const mergeForm = z.object({ intoId: text(100) });
const importForm = z.object({ communeCode: text(20), csv: text(1_000_000), action: z.enum(["preview", "commit"]).optional().default("preview") });
const idParams = z.object({ id: z.string().max(100) });

const OK_MESSAGES: Record<string, (n: number | undefined) => string> = {
  added: () => "Đã thêm ấp/khóm.",
  renamed: () => "Đã đổi tên ấp/khóm.",
  confirmed: () => "Đã xác nhận ấp/khóm.",
  merged: (n) => (n ? `${HAMLET_MERGE_TEXT.merged} ${HAMLET_MERGE_TEXT.reapproval(n)}` : HAMLET_MERGE_TEXT.merged),
  imported: (n) => `Đã nhập ${n ?? 0} ấp/khóm mới.`,
};

interface FormError {
  /** The id of the field the error is about (the summary links to it). */
  href: string;
  text: string;
}

interface PageState {
  errors?: FormError[];
  /** Values to put back into the add form / import form. */
  add?: { name: string; code: string };
  csv?: string;
  preview?: ImportResult;
  /** A rename form to reopen with what was typed. */
  rename?: { id: string; name: string; code: string };
}

export function registerStaffHamletPages(app: FastifyInstance, deps: { hamlets: HamletService }): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, principal: Principal, communeCode: string | undefined, state: PageState = {}, status = 200) => {
    const query = pageQuery.safeParse(request.query);
    const q = query.success ? query.data : {};
    const communes = await deps.hamlets.communesFor(principal);
    const chosen = communeCode ?? (communes?.length === 1 ? communes[0]!.code : undefined);
    const list = chosen ? await deps.hamlets.list(principal, chosen) : null;
    return sendConsolePage(
      request,
      reply,
      "staff/hamlets/index",
      {
        principal,
        current: "hamlets",
        title: list ? `Ấp, khóm – ${list.commune.fullName}` : "Ấp, khóm",
        communes,
        chosen: chosen ?? "",
        list,
        ok: status === 200 && q.ok ? OK_MESSAGES[q.ok]!(q.n) : null,
        errors: state.errors ?? [],
        add: state.add ?? { name: "", code: "" },
        csv: state.csv ?? "",
        preview: state.preview ?? null,
        rename: state.rename ?? null,
      },
      status,
    );
  };

  /** Runs a form's action; a validation error or conflict re-renders the page with it, anything else is raised. */
  const attempt = async <T>(work: () => Promise<T>, onError: (error: AppError) => Promise<FastifyReply>): Promise<T | FastifyReply> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError && (error.code === "VALIDATION_FAILED" || error.code === "CONFLICT")) return onError(error);
      throw error;
    }
  };
  const done = (reply: FastifyReply, communeCode: string, ok: string, n?: number) =>
    reply.redirect(`/staff/hamlets?communeCode=${encodeURIComponent(communeCode)}&ok=${ok}${n === undefined ? "" : `&n=${n}`}`, 303);
  const fieldOf = (error: AppError) => ((error.details as { field?: string } | undefined)?.field ?? "").split(".")[0];
  const plain = (error: AppError) => error.message.replace(/^[\w.]+: /, "").replace(/ \([^()]*\)\.?$/, "");

  app.get("/staff/hamlets", async (request, reply) => {
    const principal = requirePrincipal(request);
    const q = parseOrThrow(pageQuery, request.query, "communeCode");
    return render(request, reply, principal, q.communeCode || undefined);
  });

  app.post("/staff/hamlets", async (request, reply) => {
    const principal = requirePrincipal(request);
    const form = parseOrThrow(addForm, request.body ?? {}, "body");
    const communeCode = await deps.hamlets.communeCodeFor(principal, form.communeCode || undefined);
    return attempt(
      async () => {
        await deps.hamlets.add(principal, { communeCode, name: form.name, code: form.code || null });
        return done(reply, communeCode, "added");
      },
      (error) =>
        render(request, reply, principal, communeCode, { errors: [{ href: fieldOf(error) === "code" ? "#add-code" : "#add-name", text: plain(error) }], add: { name: form.name, code: form.code } }, error.code === "CONFLICT" ? 409 : 400),
    );
  });

  app.post("/staff/hamlets/:id/rename", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseOrThrow(idParams, request.params, "id");
    const form = parseOrThrow(renameForm, request.body ?? {}, "body");
    return attempt(
      async () => {
        const h = await deps.hamlets.rename(principal, id, { name: form.name, code: form.code || null });
        return done(reply, h.communeCode, "renamed");
      },
      async (error) => {
        const communeCode = (await deps.hamlets.get(principal, id)).communeCode;
        return render(
          request,
          reply,
          principal,
          communeCode,
          { errors: [{ href: fieldOf(error) === "code" ? `#rename-code-${id}` : `#rename-name-${id}`, text: plain(error) }], rename: { id, name: form.name, code: form.code } },
          error.code === "CONFLICT" ? 409 : 400,
        );
      },
    );
  });

  app.post("/staff/hamlets/:id/confirm", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseOrThrow(idParams, request.params, "id");
    const h = await deps.hamlets.confirm(principal, id);
    return done(reply, h.communeCode, "confirmed");
  });

  app.post("/staff/hamlets/:id/merge", async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseOrThrow(idParams, request.params, "id");
    const form = parseOrThrow(mergeForm, request.body ?? {}, "body");
    return attempt(
      async () => {
        if (!form.intoId) throw new ValidationError("intoId: chọn ấp/khóm giữ lại", { field: "intoId" });
        const merged = await deps.hamlets.merge(principal, id, form.intoId);
        return done(reply, merged.kept.communeCode, "merged", merged.reapproval.length || undefined);
      },
      async (error) => {
        const communeCode = (await deps.hamlets.get(principal, id)).communeCode;
        return render(request, reply, principal, communeCode, { errors: [{ href: `#merge-into-${id}`, text: plain(error) }] }, 400);
      },
    );
  });

  app.post("/staff/hamlets/import", async (request, reply) => {
    const principal = requirePrincipal(request);
    const form = parseOrThrow(importForm, request.body ?? {}, "body");
    const communeCode = await deps.hamlets.communeCodeFor(principal, form.communeCode || undefined);
    return attempt(
      async () => {
        const result = await deps.hamlets.importCsv(principal, { communeCode, csv: form.csv, commit: form.action === "commit" });
        if (result.committed) return done(reply, communeCode, "imported", result.created);
        const errors = result.rows.filter((r) => r.status === "error").map((r) => ({ href: `#import-row-${r.line}`, text: `Dòng ${r.line}: ${r.message ?? ""}` }));
        if (form.action === "commit" && errors.length === 0 && result.created === 0) return done(reply, communeCode, "imported", 0);
        return render(request, reply, principal, communeCode, { csv: form.csv, preview: result, errors }, errors.length ? 400 : 200);
      },
      (error) => render(request, reply, principal, communeCode, { csv: form.csv, errors: [{ href: "#import-csv", text: plain(error) }] }, error.code === "CONFLICT" ? 409 : 400),
    );
  });
}
