/**
 * The TypeScript kernel of the lab site: JupyterLite's kernel API (`BaseKernel` of @jupyterlite/services 0.8),
 * running the cells in the page (see ./runtime), with the library's browser bundle behind `import`.
 */
import type { KernelMessage } from "@jupyterlab/services";
import { BaseKernel, type IKernel } from "@jupyterlite/services";
import type * as TS from "typescript";
import { tslabJupyter, type DisplayContent } from "./display";
import { formatLogArgs, formatValue } from "./format";
import { CellRunner, type Resolver } from "./runtime";
import { CellSyntaxError } from "./transform";

/** What the kernel loads before its first cell: the compiler and the modules cells may import. */
export interface KernelEnvironment {
  ts: typeof TS;
  modules: Record<string, unknown>;
  /** `require.resolve` for files of packages (plotly.js), as URLs of the site. */
  files: Record<string, string>;
  /** `process.env` seen by the cells and the library (e.g. NSAD_SCALE). */
  env: Record<string, string>;
  /** What cells' `import`/`require` and the library's dynamic `require` give (see {@link installGlobals}). */
  resolver: Resolver & { resolve(spec: string): string };
}

/** Sets what the library bundle's `require`, `process` and `Buffer` are (see scripts/build-lite.mjs, banner). */
export function installGlobals(env: KernelEnvironment, BufferClass: unknown): Resolver & { resolve(spec: string): string } {
  const resolver = Object.assign(
    (name: string): unknown => {
      if (name === "tslab/dist/jupyter") return tslabJupyter;
      if (name in env.modules) return env.modules[name];
      const err = new Error(
        `Cannot find module '${name}': in the browser kernel, cells can import ${Object.keys(env.modules)
          .map((m) => `"${m}"`)
          .join(", ")}`,
      ) as Error & { code?: string };
      err.code = "MODULE_NOT_FOUND";
      throw err;
    },
    {
      resolve(spec: string): string {
        const url = env.files[spec];
        if (url === undefined) {
          const err = new Error(`Cannot find module '${spec}' in the browser kernel`) as Error & { code?: string };
          err.code = "MODULE_NOT_FOUND";
          throw err;
        }
        return url;
      },
    },
  );
  const g = globalThis as Record<string, unknown>;
  g.__nsad_require__ = resolver;
  g.__nsad_process__ = { env: env.env, browser: true, platform: "browser" };
  g.__nsad_Buffer__ = BufferClass;
  return resolver;
}

export class TypeScriptKernel extends BaseKernel {
  private runner: CellRunner | undefined;
  private readonly loading: Promise<void>;
  private lastErrorAt = -Infinity;

  constructor(options: IKernel.IOptions, load: () => Promise<KernelEnvironment>) {
    super(options);
    this.loading = load().then((env) => {
      const resolver = env.resolver;
      const print = (name: "stdout" | "stderr") => (...args: unknown[]) => this.stream({ name, text: `${formatLogArgs(args)}\n` });
      const cellConsole = {
        ...console,
        log: print("stdout"),
        info: print("stdout"),
        debug: print("stdout"),
        warn: print("stderr"),
        error: print("stderr"),
        table: print("stdout"),
      };
      this.runner = new CellRunner(env.ts, resolver, { console: cellConsole, process: (globalThis as Record<string, unknown>).__nsad_process__ });
    });
  }

  override get ready(): Promise<void> {
    return Promise.all([super.ready, this.loading]).then(() => undefined);
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg["content"]> {
    return {
      implementation: "nonsmooth-ad-lite",
      implementation_version: "0.1.0",
      language_info: {
        codemirror_mode: { name: "javascript", typescript: true },
        file_extension: ".ts",
        mimetype: "text/typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
        version: "5",
      },
      protocol_version: "5.3",
      status: "ok",
      banner: "TypeScript in the browser (nonsmooth-ad workbook)",
      help_links: [],
    };
  }

  async executeRequest(content: KernelMessage.IExecuteRequestMsg["content"]): Promise<KernelMessage.IExecuteReplyMsg["content"]> {
    await this.loading;
    const runner = this.runner!;
    const parent = this.parentHeader;
    // "stop on error", as Jupyter kernels do: requests sent before a failed cell's error (Run All queues every cell
    // at once) are aborted; a request sent after it runs.
    const sent = Date.parse(parent?.date ?? "");
    if (content.stop_on_error !== false && Number.isFinite(sent) && sent <= this.lastErrorAt) {
      return { status: "aborted", execution_count: null } as unknown as KernelMessage.IExecuteReplyMsg["content"];
    }
    tslabJupyter.lastWriteDisplayData = (msg: DisplayContent, update: boolean) => {
      const c = { data: msg.data, metadata: msg.metadata, transient: msg.transient ?? {} } as KernelMessage.IDisplayDataMsg["content"];
      if (update) this.updateDisplayData(c as KernelMessage.IUpdateDisplayDataMsg["content"], parent);
      else this.displayData(c, parent);
    };
    try {
      const { hasResult, value } = await runner.run(content.code);
      // as tslab: the last value's text, unless it is undefined or empty (a DisplayBundle sent to the notebook)
      const text = hasResult && value !== undefined ? formatValue(value) : "";
      if (text !== "") {
        this.publishExecuteResult({ execution_count: this.executionCount, data: { "text/plain": text }, metadata: {} }, parent);
      }
      return { status: "ok", execution_count: this.executionCount, user_expressions: {} };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const ename = err instanceof CellSyntaxError ? "SyntaxError" : err.name || "Error";
      const evalue = err.message;
      const traceback = [`\x1b[31m${ename}\x1b[0m: ${evalue}`];
      this.publishExecuteError({ ename, evalue, traceback }, parent);
      this.lastErrorAt = Date.now();
      return { status: "error", execution_count: this.executionCount, ename, evalue, traceback };
    }
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg["content"]): Promise<KernelMessage.ICompleteReplyMsg["content"]> {
    // names of the scope and of the imported modules' exports that start with the word before the cursor
    const before = content.code.slice(0, content.cursor_pos);
    const word = /[A-Za-z_$][\w$]*$/.exec(before)?.[0] ?? "";
    const names = this.runner ? Object.keys(this.runner.scope).filter((n) => !n.startsWith("__nsad")) : [];
    return {
      matches: names.filter((n) => n.startsWith(word)).sort(),
      cursor_start: content.cursor_pos - word.length,
      cursor_end: content.cursor_pos,
      metadata: {},
      status: "ok",
    };
  }

  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg["content"]> {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg["content"]> {
    return { status: "complete" };
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg["content"]> {
    return { status: "ok", comms: {} };
  }

  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}
