/**
 * Fonts for PNG rendering. resvg draws text only with fonts it is given; vega lays text out with its own width
 * estimate. Both are pointed at DejaVu Sans: resvg gets the font files, vega gets DejaVu Sans' advance widths.
 *
 * Font files are looked up, in order, in: `$NSAD_FONT_DIR`, the package's own `assets/fonts/` (DejaVu Sans,
 * shipped with the repository), and Debian's `/usr/share/fonts/truetype/dejavu/` (package fonts-dejavu-core).
 * If none is found, resvg falls back to the system's fonts.
 *
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The font family every chart uses (vega config and resvg default).
 *
 * @example
 * ```ts
 * import { CHART_FONT, renderSvg, linePlot } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const svg = await renderSvg(linePlot({ name: "y", y: [1, 2] }, { title: "t" }));
 * assert(svg.includes(`font-family="${CHART_FONT}`), "the labels are set in the chart font");
 * ```
 */
export const CHART_FONT = "DejaVu Sans";

const FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];

/** The folders searched for DejaVu Sans, in order. */
function fontSearchDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.NSAD_FONT_DIR) dirs.push(process.env.NSAD_FONT_DIR);
  // src/notebook/fonts.ts and dist/notebook/fonts.js both sit two levels below the package root.
  dirs.push(path.resolve(__dirname, "..", "..", "assets", "fonts"));
  dirs.push("/usr/share/fonts/truetype/dejavu");
  return dirs;
}

let cached: string[] | undefined;

/**
 * The DejaVu Sans files (regular, bold) that PNG rendering uses; an empty array when none was found (then system
 * fonts are used and labels may be missing on a machine without fonts).
 *
 * @example
 * ```ts
 * import { chartFontFiles } from "nonsmooth-ad/notebook";
 * import { assert } from "nonsmooth-ad";
 * const files = chartFontFiles(); // empty when no DejaVu Sans is installed (install fonts-dejavu-core)
 * assert(files.every((f) => /DejaVuSans(-Bold)?\.ttf$/.test(f)), files.join(", "));
 * ```
 */
export function chartFontFiles(): string[] {
  if (cached) return cached;
  for (const dir of fontSearchDirs()) {
    const files = FILES.map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
    if (files.length > 0) return (cached = files);
  }
  return (cached = []);
}

// Advance widths of DejaVu Sans (book and bold) for ASCII 32..126, in 1/1000 em, read from the fonts' hmtx tables.
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
  748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
  615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
  337, 636, 838,
];
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696,
  696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995,
  837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716,
  678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712,
  365, 712, 838,
];
const OTHER: Record<string, number> = { "\u2212": 838, "\u2026": 1000, "\u00d7": 838, "\u00b7": 318, "\u2013": 500 };

/**
 * Width in pixels of `text` set in DejaVu Sans at `fontSize` px (bold if `bold`); characters outside ASCII count
 * 0.65 em unless listed.
 */
function textWidth(text: string, fontSize: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c < 127 ? table[c - 32] : (OTHER[ch] ?? 650);
  }
  return (units * fontSize) / 1000;
}

let metricsInstalled = false;

/**
 * Makes vega measure text with DejaVu Sans' widths (vega's default in Node, without a canvas, is a rough
 * 0.8 em per character). Process-wide for the loaded vega module.
 * @internal
 */
export function installTextMetrics(vega: { textMetrics: { width: (item: any, text: any) => number } }): void {
  if (metricsInstalled) return;
  vega.textMetrics.width = (item: any, text: any): number => {
    const size = item && item.fontSize != null ? +item.fontSize || 0 : 11;
    const w = item ? item.fontWeight : undefined;
    const bold =
      w === "bold" || w === "bolder" || (typeof w === "number" && w >= 600) || (typeof w === "string" && +w >= 600);
    const s = text == null ? "" : String(text).trim();
    return size <= 0 || !s ? 0 : textWidth(s, size, bold);
  };
  metricsInstalled = true;
}
