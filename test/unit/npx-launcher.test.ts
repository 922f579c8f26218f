/**
 * `npx motcua` (the README's form) runs bin/motcua.js from node_modules/.bin. npm exec takes that
 * short path only when the project's own package.json declares no `motcua` bin: for a bin of the
 * project itself it reads the whole dependency tree (some 1,200 packages), installs a link to the
 * project in its npx cache and reads the tree again through that link — about 1.4 s of CPU before
 * the command starts, and far more on the first run in a new clone. So the launcher is a workspace
 * (bin/package.json), whose bin `npm ci` links into node_modules/.bin.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/paths.js";

const json = (file: string) => JSON.parse(readFileSync(path.join(projectRoot, file), "utf8")) as Record<string, any>;

describe("the npx launcher", () => {
  it("is declared by the bin/ workspace, not by the project's own package.json", () => {
    const root = json("package.json");
    expect(root.bin).toBeUndefined();
    expect(root.workspaces).toEqual(["bin"]);
    const launcher = json("bin/package.json");
    expect(launcher).toMatchObject({ name: "motcua-bin", private: true, type: "module", bin: { motcua: "motcua.js" } });
  });

  it("is in the lockfile, so npm ci links it into node_modules/.bin", () => {
    const { packages } = json("package-lock.json");
    expect(packages[""].bin).toBeUndefined();
    expect(packages[""].workspaces).toEqual(["bin"]);
    expect(packages.bin).toMatchObject({ name: "motcua-bin", bin: { motcua: "motcua.js" } });
    expect(packages["node_modules/motcua-bin"]).toEqual({ resolved: "bin", link: true });
  });
});
