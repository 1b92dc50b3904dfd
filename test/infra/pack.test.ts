// The published package: packs, installs from the tarball alone (no network), and loads without the workbook's
// heavy tools (tslab, vega, danfojs, plotly), which are optional peers for notebooks only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "./exec";
import { REPO_ROOT } from "./workbook-build";

const npmEnv = {
  ...process.env,
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), "nsad-pack-"));
const scratch = path.join(work, "scratch");
let files: string[] = [];
let tarball = "";

beforeAll(async () => {
  expect(fs.existsSync(path.join(REPO_ROOT, "dist", "index.js")), "dist/index.js (run npm run build)").toBe(true);
  const pack = await run("npm", ["pack", "--json", "--pack-destination", work], { env: npmEnv });
  expect(pack.code, pack.output).toBe(0);
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0];
  tarball = path.join(work, info.filename);
  files = info.files.map((f: { path: string }) => f.path);
  fs.mkdirSync(scratch);
  fs.writeFileSync(
    path.join(scratch, "package.json"),
    JSON.stringify({ name: "scratch", version: "1.0.0", private: true }),
  );
  const install = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], {
    cwd: scratch,
    env: npmEnv,
  });
  expect(install.code, install.output).toBe(0);
});

describe("npm package", () => {
  it("contains the compiled library, its types and the legal files, and no sources, tests or notebooks", () => {
    for (const f of [
      "package.json",
      "dist/index.js",
      "dist/index.d.ts",
      "notebook/package.json",
      "README.md",
      "LICENSE",
      "CITATION.cff",
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|notebooks|scripts|kernel|node_modules)\//.test(f))).toEqual([]);
  });

  it("installs from the tarball alone with nothing else in node_modules", () => {
    const installed = fs.readdirSync(path.join(scratch, "node_modules")).filter((d) => !d.startsWith("."));
    expect(installed).toEqual(["nonsmooth-ad"]);
  });

  it("require('nonsmooth-ad') works and loads no tslab, vega, danfojs or plotly", async () => {
    const code = [
      "const lib = require('nonsmooth-ad');",
      "lib.assertClose(0.1 + 0.2, 0.3, 1e-12);",
      "let threw = false; try { lib.assertEqual(1, 2); } catch (e) { threw = e instanceof lib.AssertionError; }",
      "if (!threw) throw new Error('assertEqual(1, 2) did not throw');",
      "console.log(JSON.stringify({ exports: Object.keys(lib).sort(), loaded: Object.keys(require.cache) }));",
    ].join("\n");
    const r = await run(process.execPath, ["-e", code], { cwd: scratch });
    expect(r.code, r.output).toBe(0);
    const { exports, loaded } = JSON.parse(r.stdout);
    expect(exports).toEqual(expect.arrayContaining(["assert", "assertClose", "assertEqual", "AssertionError"]));
    expect(loaded.every((f: string) => f.startsWith(path.join(scratch, "node_modules", "nonsmooth-ad")))).toBe(true);
    expect(loaded.filter((f: string) => /tslab|vega|danfo|plotly/.test(f))).toEqual([]);
  });
});
