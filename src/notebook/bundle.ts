/**
 * The display bundle: what one Jupyter output carries (a MIME bundle plus metadata).
 *
 * @module
 */
import { inspect } from "node:util";

/**
 * MIME type of a vega-lite v5 specification, as JupyterLab renders it.
 *
 * @example
 * ```ts
 * import { VEGALITE_MIME, show, barChart } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const spec = barChart({ a: 1 });
 * assertEqual((await show(spec)).data[VEGALITE_MIME], spec); // the spec itself, for JupyterLab to draw
 * ```
 */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** MIME data of one output: MIME type → content (strings; the vega-lite spec is an object; PNG is base64). */
export type MimeData = Record<string, unknown>;

/**
 * One display output: the MIME bundle that is sent to the kernel (or, outside a kernel, only returned).
 * Printing it (for instance as the last expression of a cell) shows its one-line `text/plain` summary, not the
 * whole PNG.
 *
 * @example
 * ```ts
 * import { showTable, DisplayBundle } from "nonsmooth-ad/notebook";
 * import { assert, assertEqual } from "nonsmooth-ad";
 * const out = showTable([{ k: 1 }]);
 * assert(out instanceof DisplayBundle, "the display helpers return a bundle");
 * assertEqual([out.mimeTypes, out.png, String(out)], [["text/html", "text/plain"], undefined, "k\n-\n1"]);
 * ```
 */
export class DisplayBundle {
  /** MIME type → content. */
  readonly data: MimeData;
  /** Per-MIME metadata, e.g. `{"image/png": {width, height}}`. */
  readonly metadata: Record<string, unknown>;
  /** True when the bundle was sent to a running tslab kernel; false when only returned (plain Node, tests). */
  readonly sent: boolean;

  /** @internal */
  constructor(data: MimeData, metadata: Record<string, unknown>, sent: boolean) {
    this.data = data;
    this.metadata = metadata;
    this.sent = sent;
  }

  /** The MIME types this bundle carries. */
  get mimeTypes(): string[] {
    return Object.keys(this.data);
  }

  /** The PNG bytes, if the bundle carries `image/png`. */
  get png(): Buffer | undefined {
    const b64 = this.data["image/png"];
    return typeof b64 === "string" ? Buffer.from(b64, "base64") : undefined;
  }

  /** The `text/plain` summary. */
  get text(): string {
    const t = this.data["text/plain"];
    return typeof t === "string" ? t : "";
  }

  /** @internal */
  [inspect.custom](): string {
    // In a kernel the output already carries its text/plain summary: when a bundle is a cell's last expression,
    // tslab prints it, and an empty line is all that should add. Outside a kernel, say what it holds.
    return this.sent ? "" : `[not displayed (no kernel): ${this.text.split("\n")[0]}]`;
  }

  /** @internal */
  toString(): string {
    return this.text;
  }
}
