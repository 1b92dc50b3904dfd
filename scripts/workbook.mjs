#!/usr/bin/env node
// The workbook runner (`npm run workbook`): prerequisites, build, register the kernel, execute notebooks through a
// real Jupyter client (nbclient, one fresh kernel per notebook), write executed copies to OUT/notebooks/, then
// export the static site (OUT/site/, the student edition: exercises without their solutions) when
// scripts/export-site.mjs exists. Never writes into notebooks/.
//
//   npm run workbook                                   every notebooks/*.ipynb, in file-name order
//   npm run workbook -- notebooks/00-getting-started.ipynb [more.ipynb ...]
//
// Options:
//   --out DIR            build folder (default build/): executed copies in DIR/notebooks, site in DIR/site
//   --kernel-dir DIR     install the kernel spec as under the prefix DIR (DIR/share/jupyter/kernels/nonsmooth-ad)
//                        and point JUPYTER_PATH there, instead of the user's Jupyter data folder
//   --timeout SECONDS    time limit per notebook (default 600, or $NSAD_NOTEBOOK_TIMEOUT)
//   --no-prerequisites   skip the system prerequisites check
//   --no-build           skip compiling the library (dist/)
//   --no-site            skip the site export
//   --with-solutions     also build the instructor site, OUT/site-instructor/: the same pages with the exercises'
//                        solutions (cells tagged "solution"), its own lab; the API reference is copied, not rebuilt
//   --profile[=N]        print the N slowest cells of each notebook (default 5) and where the workbook's time went;
//                        per-cell times also go to OUT/profile.json
//   --jobs N             notebooks executed at once, each in its own kernel (default: the machine's cores, or
//                        $NSAD_WORKBOOK_JOBS); 1 runs them one after another
// NSAD_SCALE and the rest of the environment are passed through to the kernels.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { installKernel, KERNEL_NAME } from "../kernel/install.mjs";
import { ensurePrerequisites, SYSTEM_PYTHON } from "./prerequisites.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUN_NOTEBOOK = path.join(ROOT, "scripts", "run_notebook.py");
const EXPORT_SITE = path.join(ROOT, "scripts", "export-site.mjs");
const BUILD_LITE = path.join(ROOT, "scripts", "build-lite.mjs");

class UsageError extends Error {}

const USAGE =
  "usage: npm run workbook -- [NOTEBOOK.ipynb ...] [--out DIR] [--kernel-dir DIR] [--timeout SECONDS]\n" +
  "                           [--no-prerequisites] [--no-build] [--no-site] [--with-solutions] [--profile[=N]]\n" +
  "                           [--jobs N]";

/** The longest timeout in seconds whose backstop (timeout + 120 s) fits in a Node timer (at most 2^31 - 1 ms). */
const MAX_TIMEOUT = Math.floor((2 ** 31 - 1) / 1000) - 120;

export function parseArgs(argv, env = process.env) {
  const opts = {
    notebooks: /** @type {string[]} */ ([]),
    out: "build",
    kernelDir: undefined,
    timeout: env.NSAD_NOTEBOOK_TIMEOUT ? Number(env.NSAD_NOTEBOOK_TIMEOUT) : 600,
    prerequisites: true,
    build: true,
    site: true,
    withSolutions: false,
    profile: 0,
    jobs: env.NSAD_WORKBOOK_JOBS ? Number(env.NSAD_WORKBOOK_JOBS) : os.availableParallelism(),
  };
  const value = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    if (a.startsWith("--") && a.includes("=")) [a, inline] = [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)];
    const take = (name) => (inline !== undefined ? inline : value(i++, name));
    switch (a) {
      case "--out":
        opts.out = take(a);
        break;
      case "--kernel-dir":
        opts.kernelDir = take(a);
        break;
      case "--timeout":
        opts.timeoutText = take(a);
        opts.timeout = Number(opts.timeoutText);
        break;
      case "--no-prerequisites":
        opts.prerequisites = false;
        break;
      case "--no-build":
        opts.build = false;
        break;
      case "--no-site":
        opts.site = false;
        break;
      case "--with-solutions":
        opts.withSolutions = true;
        break;
      case "--profile":
        // a count only as --profile=N: a bare --profile must not swallow the notebook named after it
        opts.profile = inline === undefined ? 5 : Number(inline);
        if (!Number.isInteger(opts.profile) || opts.profile < 1)
          throw new UsageError(`--profile=N needs a whole number of cells N >= 1 (got ${JSON.stringify(inline)})`);
        break;
      case "--jobs":
        opts.jobsText = take(a);
        opts.jobs = Number(opts.jobsText);
        break;
      case "-h":
      case "--help":
        opts.help = true;
        break;
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option ${JSON.stringify(a)}\n${USAGE}`);
        opts.notebooks.push(a);
    }
  }
  if (!(opts.timeout > 0)) {
    throw new UsageError(
      `the timeout must be a positive number of seconds (got ${JSON.stringify(opts.timeoutText ?? env.NSAD_NOTEBOOK_TIMEOUT)})`,
    );
  }
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) {
    throw new UsageError(
      `--jobs needs a whole number of notebooks run at once, at least 1 (got ${JSON.stringify(opts.jobsText ?? env.NSAD_WORKBOOK_JOBS)})`,
    );
  }
  // the backstop timer waits timeout + 120 s, and Node caps timers at 2^31 - 1 ms (a longer delay fires at once)
  if (opts.timeout > MAX_TIMEOUT) {
    throw new UsageError(
      `the timeout must be at most ${MAX_TIMEOUT} s (about 24 days): Node's timers cannot wait longer (got ${JSON.stringify(opts.timeoutText ?? env.NSAD_NOTEBOOK_TIMEOUT)})`,
    );
  }
  return opts;
}

function rel(p) {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Resolves and checks the notebooks to run: given paths, or notebooks/*.ipynb in file-name order. */
export function listNotebooks(given) {
  if (given.length === 0) {
    const dir = path.join(ROOT, "notebooks");
    if (!fs.existsSync(dir)) throw new UsageError(`no notebooks folder at ${dir}`);
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".ipynb"))
      .sort();
    if (files.length === 0) throw new UsageError(`no .ipynb files in ${dir}`);
    return files.map((f) => path.join(dir, f));
  }
  const paths = given.map((g) => path.resolve(g));
  for (const [i, p] of paths.entries()) {
    if (!p.endsWith(".ipynb")) throw new UsageError(`${given[i]}: not a notebook (expected a .ipynb file)`);
    if (!fs.existsSync(p) || !fs.statSync(p).isFile()) throw new UsageError(`${given[i]}: no such notebook`);
  }
  const seen = new Map();
  for (const p of paths) {
    const b = path.basename(p);
    if (seen.has(b))
      throw new UsageError(
        `two notebooks share the name ${b} (${seen.get(b)} and ${p}); their executed copies would collide`,
      );
    seen.set(b, p);
  }
  return paths;
}

/** Reads a notebook's JSON and checks it names the nonsmooth-ad kernel; returns an error message or null. */
function checkNotebookFile(file) {
  let nb;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return `${rel(file)}: not valid notebook JSON (${e.message})`;
  }
  const name = nb?.metadata?.kernelspec?.name;
  if (name !== KERNEL_NAME) {
    return `${rel(file)}: metadata.kernelspec.name is ${JSON.stringify(name)}, expected "${KERNEL_NAME}"`;
  }
  return null;
}

/** Runs one step of the workbook; returns its time in ms. */
function runStep(label, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error) throw new Error(`${label}: could not start ${cmd} (${r.error.message})`);
  if (r.status !== 0)
    throw new Error(`${label} failed (\`${[cmd, ...args].map(rel).join(" ")}\` exited with ${r.status ?? r.signal})`);
  const ms = Date.now() - t0;
  console.log(`${label}: done in ${seconds(ms)}`);
  return ms;
}

/**
 * The profile of one notebook: its `count` slowest code cells, slowest first, and the kernel's start-up, as lines
 * to print. `timings` come from scripts/run_notebook.py.
 */
export function slowestCells(timings, count, kernelSeconds) {
  const cells = [...(timings ?? [])].sort((a, b) => b.seconds - a.seconds).slice(0, count);
  const total = (timings ?? []).reduce((s, t) => s + t.seconds, 0);
  const lines = [];
  if (typeof kernelSeconds === "number") lines.push(`${kernelSeconds.toFixed(1).padStart(6)} s  kernel start-up`);
  for (const c of cells) {
    const text = c.first_line.length > 70 ? `${c.first_line.slice(0, 69)}…` : c.first_line;
    const share = total > 0 ? ` ${((100 * c.seconds) / total).toFixed(0).padStart(3)}%` : "";
    lines.push(`${c.seconds.toFixed(1).padStart(6)} s${share}  cell ${c.number} (code cell ${c.code_number}): ${text}`);
  }
  return lines;
}

/** Runs scripts/run_notebook.py on one notebook; resolves to { status, message, cell? }. */
function executeNotebook(input, output, { timeout, env }) {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nsad-nb-")), "result.json");
  const args = [
    RUN_NOTEBOOK,
    input,
    output,
    "--kernel",
    KERNEL_NAME,
    "--timeout",
    String(timeout),
    "--result",
    resultFile,
  ];
  return new Promise((resolve) => {
    const child = spawn(SYSTEM_PYTHON, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // Backstop, should nbclient's own time limits not fire: two minutes after the limit, stop the client (it shuts
    // its kernel down on SIGTERM), and kill it if it is still there 15 s later.
    let killTimer;
    const timer = setTimeout(
      () => {
        child.kill("SIGTERM");
        killTimer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      },
      (timeout + 120) * 1000,
    );
    const done = (fallback) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      let result;
      try {
        result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
      } catch {
        result = fallback;
      }
      fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
      resolve(result);
    };
    child.on("error", (e) =>
      done({
        status: "missing-jupyter",
        message: `could not start ${SYSTEM_PYTHON} (${e.message}); run node scripts/prerequisites.mjs`,
      }),
    );
    child.on("exit", (code, signal) =>
      done({
        status: signal === "SIGKILL" ? "timeout" : "error",
        message:
          signal === "SIGKILL"
            ? `the Jupyter client did not finish within ${timeout + 120} s and was killed`
            : `the Jupyter client exited with ${code ?? signal} without a result:\n${stderr.trim().split("\n").slice(-15).join("\n")}`,
      }),
    );
  });
}

export async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  /** where the time went, for --profile: [step, ms] */
  const steps = [];
  const notebooks = listNotebooks(opts.notebooks);
  const problems = notebooks.map(checkNotebookFile).filter(Boolean);
  if (problems.length) throw new UsageError(problems.join("\n"));

  const out = path.resolve(opts.out);
  const outNotebooks = path.join(out, "notebooks");
  const nbDir = path.join(ROOT, "notebooks");
  if (path.resolve(outNotebooks) === path.resolve(nbDir))
    throw new UsageError(`--out ${opts.out} would write into notebooks/ itself`);

  if (opts.prerequisites) {
    const t0 = Date.now();
    ensurePrerequisites();
    steps.push(["prerequisites", Date.now() - t0]);
    console.log(`prerequisites: present (${seconds(Date.now() - t0)})`);
  }
  if (opts.build)
    steps.push([
      "build",
      runStep("build", process.execPath, ["scripts/build-wasm.mjs"]) + // the WebAssembly kernels (src/wasm)
        runStep("build", process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"]) +
        runStep("build", process.execPath, ["scripts/flatten-exports.mjs"]), // the entry points' exports as data
    ]);

  const { dir: kernelDir, dataDir } = installKernel({ prefix: opts.kernelDir });
  console.log(`kernel: "${KERNEL_NAME}" registered in ${rel(kernelDir)}`);
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    JUPYTER_PATH: [dataDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
  // Keep Python warnings about Jupyter's own deprecations out of the log.
  env.PYTHONWARNINGS ??= "ignore::DeprecationWarning";

  // A full run replaces the executed copies; a run of chosen notebooks replaces only theirs.
  fs.mkdirSync(outNotebooks, { recursive: true });
  if (opts.notebooks.length === 0) {
    for (const f of fs.readdirSync(outNotebooks)) if (f.endsWith(".ipynb")) fs.rmSync(path.join(outNotebooks, f));
  }

  const failures = [];
  const profile = [];
  const notebooksStarted = Date.now();
  // Notebooks run in parallel, each in its own fresh kernel (they share nothing but the read-only build); each is
  // reported when it ends, and the profile and failures are listed in file-name order.
  const jobs = Math.min(opts.jobs, notebooks.length);
  if (jobs > 1) console.log(`executing ${notebooks.length} notebooks, ${jobs} at a time`);
  let next = 0;
  let finished = 0;
  const results = new Array(notebooks.length);
  const runOne = async (i) => {
    const nb = notebooks[i];
    const target = path.join(outNotebooks, path.basename(nb));
    if (jobs === 1) process.stdout.write(`[${i + 1}/${notebooks.length}] ${rel(nb)} ... `);
    const t0 = Date.now();
    const result = await executeNotebook(nb, target, { timeout: opts.timeout, env });
    const ms = Date.now() - t0;
    results[i] = { nb, result, ms };
    finished++;
    const lines = [];
    if (result.status !== "ok") lines.push(`${rel(nb)}: ${result.message}`.replace(/^/gm, "    ").trimEnd());
    if (opts.profile)
      for (const line of slowestCells(result.timings, opts.profile, result.kernel_seconds)) lines.push(`    ${line}`);
    const verdict = `${result.status === "ok" ? "ok" : "FAILED"} (${seconds(ms)})`;
    console.log(jobs === 1 ? verdict : `[${finished}/${notebooks.length}] ${rel(nb)} ... ${verdict}`);
    if (lines.length) (result.status === "ok" ? console.log : console.error)(lines.join("\n"));
  };
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < notebooks.length) await runOne(next++);
    }),
  );
  for (const { nb, result, ms } of results) {
    profile.push({
      notebook: path.basename(nb),
      seconds: ms / 1000,
      kernelSeconds: result.kernel_seconds ?? null,
      cells: result.timings ?? [],
    });
    if (result.status !== "ok") failures.push({ notebook: nb, ...result, text: `${rel(nb)}: ${result.message}` });
  }
  steps.push([`${notebooks.length} notebook(s)`, Date.now() - notebooksStarted]);
  if (opts.profile) fs.writeFileSync(path.join(out, "profile.json"), `${JSON.stringify(profile, null, 1)}\n`);

  if (failures.length) {
    console.error(`\nworkbook: ${failures.length} of ${notebooks.length} notebook(s) failed:`);
    for (const f of failures) console.error(`  ${f.text.split("\n")[0]}`);
    console.error(`(executed copies, partial where a cell failed, are in ${rel(outNotebooks)})`);
    return 1;
  }

  if (opts.site && fs.existsSync(EXPORT_SITE)) {
    const lab = fs.existsSync(BUILD_LITE);
    const site = path.join(out, "site");
    const instructor = path.join(out, "site-instructor");
    steps.push([
      "site",
      runStep("site", process.execPath, [
        EXPORT_SITE,
        "--notebooks",
        outNotebooks,
        "--site",
        site,
        ...(lab ? ["--lab"] : []),
      ]),
    ]);
    // the lab site (JupyterLab in the browser) next to the static pages, with the notebooks as committed (no
    // outputs), without their solutions
    if (lab) steps.push(["lab", runStep("lab", process.execPath, [BUILD_LITE, "--out", path.join(site, "lab")])]);
    if (opts.withSolutions) {
      fs.rmSync(instructor, { recursive: true, force: true });
      steps.push([
        "instructor site",
        runStep("instructor site", process.execPath, [
          EXPORT_SITE,
          "--notebooks",
          outNotebooks,
          "--site",
          instructor,
          "--with-solutions",
          "--api-from",
          path.join(site, "api"),
          ...(lab ? ["--lab"] : []),
        ]),
      ]);
      if (lab)
        steps.push([
          "instructor lab",
          runStep("instructor lab", process.execPath, [
            BUILD_LITE,
            "--out",
            path.join(instructor, "lab"),
            "--with-solutions",
            "--app-from",
            path.join(site, "lab"),
          ]),
        ]);
    }
  } else if (opts.withSolutions) {
    console.log("workbook: --with-solutions has no effect with --no-site");
  }
  const total = Date.now() - started;
  if (opts.profile) {
    console.log("workbook profile (where the time went):");
    for (const [step, ms] of steps) console.log(`  ${seconds(ms).padStart(8)}  ${step}`);
    console.log(`  ${seconds(total).padStart(8)}  total`);
  }
  console.log(
    `workbook: ${notebooks.length} notebook(s) executed in ${seconds(total)} in all${opts.site ? ", site export included" : ""}; executed copies in ${rel(outNotebooks)}`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`workbook: ${e.message}`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
