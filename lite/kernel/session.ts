/**
 * One kernel's cells, where they run (a Web Worker in the lab; Node in the unit tests): the environment the library
 * needs (`require`, `process`, `Buffer` for its browser bundle), the persistent scope (./runtime), console and
 * display outputs turned into events for the Jupyter side (./kernel).
 */
import type * as TS from "typescript";
import { tslabJupyter, type DisplayContent } from "./display";
import { formatLogArgs, formatValue } from "./format";
import { CellRunner, type Resolver } from "./runtime";
import { CellSyntaxError } from "./transform";

/** What a session needs: the compiler and the modules cells may import. */
export interface SessionEnvironment {
  ts: typeof TS;
  /** module name → module (getters allowed: "mnist" loads its data on first use) */
  modules: Record<string, unknown>;
  /** `require.resolve` for files of packages (plotly.js), as URLs of the site. */
  files: Record<string, string>;
  /** `process.env` seen by the cells and the library (e.g. NSAD_SCALE). */
  env: Record<string, string>;
}

/** Output of a running cell, for the Jupyter side. */
export type SessionEvent =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; content: DisplayContent; update: boolean };

/** How a cell ended: its last value's text ("" = nothing to show), or its error. */
export type Outcome = { status: "ok"; text: string } | { status: "error"; ename: string; evalue: string; traceback: string[] };

export type RequireFunction = Resolver & { resolve(spec: string): string };

/**
 * Makes `require`, `process` and `Buffer` what the library's browser bundle reads when it loads (its banner, see
 * scripts/build-lite.mjs). Call before importing the bundle; `env.modules` may be filled later.
 */
export function installGlobals(env: SessionEnvironment, bufferClass: unknown): RequireFunction {
  const notFound = (what: string) => {
    const err = new Error(what) as Error & { code?: string };
    err.code = "MODULE_NOT_FOUND";
    return err;
  };
  const resolver = Object.assign(
    (name: string): unknown => {
      if (name === "tslab/dist/jupyter") return tslabJupyter;
      if (name in env.modules) return env.modules[name];
      const names = Object.keys(env.modules).map((m) => `"${m}"`).join(", ");
      throw notFound(`Cannot find module '${name}': in the browser kernel, cells can import ${names}`);
    },
    {
      resolve(spec: string): string {
        const url = env.files[spec];
        if (url === undefined) throw notFound(`Cannot find module '${spec}' in the browser kernel`);
        return url;
      },
    },
  );
  const g = globalThis as Record<string, unknown>;
  g.__nsad_require__ = resolver;
  g.__nsad_process__ = { env: env.env, browser: true, platform: "browser" };
  g.__nsad_Buffer__ = bufferClass;
  return resolver;
}

export class CellSession {
  private readonly runner: CellRunner;
  private send: (e: SessionEvent) => void = () => {};

  constructor(env: SessionEnvironment, resolver: RequireFunction) {
    const print = (name: "stdout" | "stderr") => (...args: unknown[]) => this.send({ kind: "stream", name, text: `${formatLogArgs(args)}\n` });
    const cellConsole = { ...console, log: print("stdout"), info: print("stdout"), debug: print("stdout"), table: print("stdout"), warn: print("stderr"), error: print("stderr") };
    this.runner = new CellRunner(env.ts, resolver, { console: cellConsole, process: (globalThis as Record<string, unknown>).__nsad_process__ });
  }

  /** Runs one cell; its outputs go to `send` while it runs. Never rejects. */
  async execute(code: string, send: (e: SessionEvent) => void): Promise<Outcome> {
    this.send = send;
    tslabJupyter.lastWriteDisplayData = (msg: DisplayContent, update: boolean) =>
      send({ kind: "display", content: { data: msg.data, metadata: msg.metadata, transient: msg.transient ?? {} }, update });
    try {
      const { hasResult, value } = await this.runner.run(code);
      // as tslab: the last value's text, unless it is undefined or empty (a DisplayBundle already shown)
      return { status: "ok", text: hasResult && value !== undefined ? formatValue(value) : "" };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const ename = err instanceof CellSyntaxError ? "SyntaxError" : err.name || "Error";
      return { status: "error", ename, evalue: err.message, traceback: [`\x1b[31m${ename}\x1b[0m: ${err.message}`] };
    }
  }

  /** The names cells declared, for completion. */
  names(): string[] {
    return Object.keys(this.runner.scope).filter((n) => !n.startsWith("__nsad"));
  }
}
