/**
 * The one place that touches tslab's internals. tslab's public `display.*` sends one MIME type per output; a
 * multi-MIME bundle (vega-lite JSON + PNG + text) needs the internal `tslab/dist/jupyter` module's
 * `lastWriteDisplayData`, which the kernel sets before it runs each cell (see tslab 1.0.22,
 * dist/jupyter.js `handleExecuteImpl`, and dist/public.js, whose `raw()` throws "Not ready" while it is null).
 *
 * It reaches the kernel only if this library and the kernel load the same tslab module (the same
 * node_modules/tslab): the project's kernel spec starts this checkout's tslab.
 *
 * @module
 * @internal
 */
import type { MimeData } from "./bundle";

/** The shape of the message content tslab's writeDisplayData takes. @internal */
export interface DisplayMessage {
  data: MimeData;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

type WriteDisplayData = (msg: DisplayMessage, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

let override: WriteDisplayData | null | undefined;

function jupyterModule(): TslabJupyterModule | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("tslab/dist/jupyter") as TslabJupyterModule;
  } catch {
    return null; // tslab not installed: certainly no kernel
  }
}

function writer(): WriteDisplayData | null {
  if (override !== undefined) return override;
  const mod = jupyterModule();
  const w = mod ? mod.lastWriteDisplayData : null;
  return typeof w === "function" ? w : null;
}

/**
 * True inside a running tslab kernel (the same tslab module as this library's), i.e. when display outputs can be
 * sent. False in plain Node and in tests.
 * @internal
 */
export function inKernel(): boolean {
  return writer() !== null;
}

/**
 * Sends one display output (or, with `update`, replaces the output that has the same `display_id`).
 * Returns false, sending nothing, outside a kernel.
 * @internal
 */
export function sendDisplayData(msg: DisplayMessage, update = false): boolean {
  const w = writer();
  if (!w) return false;
  w(msg, update);
  return true;
}

/**
 * For tests: replaces the kernel's writer (`null` = behave as outside a kernel; `undefined` = restore).
 * @internal
 */
export function setDisplayWriterForTests(w: WriteDisplayData | null | undefined): void {
  override = w;
}
