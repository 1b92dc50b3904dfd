/**
 * Runs compiled cells (see ./transform) against one scope that lives as long as the kernel: the browser kernel's
 * evaluation, separate from the Jupyter messaging so that the unit tests run it in Node.
 */
import type * as TS from "typescript";
import { compileCell, SCOPE_PARAM } from "./transform";

/** What a cell's code can `require` (and `import`): module name to module. */
export type Resolver = (name: string) => unknown;

/** The result of one cell. */
export interface CellResult {
  readonly hasResult: boolean;
  readonly value: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-empty-function
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (
  ...a: unknown[]
) => Promise<unknown>;

/** One kernel's cells: a persistent scope and the globals every cell sees. */
export class CellRunner {
  /** The declarations of all cells run so far, by name. */
  readonly scope: Record<string, unknown> = Object.create(null);

  /**
   * @param ts the `typescript` module
   * @param resolve what `require`/`import` give
   * @param globals names every cell sees (e.g. `console`, `process`) unless a cell declares the same name
   */
  constructor(
    private readonly ts: typeof TS,
    private readonly resolve: Resolver,
    globals: Record<string, unknown> = {},
  ) {
    Object.assign(this.scope, globals);
    this.scope.__nsad_default__ = (m: unknown) =>
      m && typeof m === "object" && "default" in (m as object) ? (m as { default: unknown }).default : m;
  }

  /** Compiles and runs one cell; rejects with the cell's error (a syntax error, or what the code throws). */
  async run(source: string): Promise<CellResult> {
    const cell = compileCell(this.ts, source);
    for (const name of cell.declared) if (!(name in this.scope)) this.scope[name] = undefined;
    const fn = new AsyncFunction(SCOPE_PARAM, "require", cell.body);
    const value = await fn(this.scope, this.resolve);
    return { hasResult: cell.hasResult, value };
  }
}
