/**
 * Tables: a danfojs DataFrame or an array of records as an HTML table with a text fallback.
 * @module
 */
import { DisplayBundle } from "./bundle";
import { sendDisplayData } from "./kernel";
import { escapeHtml } from "./html";
import { integer } from "../validate";

/** What {@link showTable} needs of a DataFrame (danfojs' DataFrame has these). */
export interface DataFrameLike {
  columns: string[];
  values: unknown[];
  index?: unknown[];
}

/** Options of {@link showTable}. */
export interface TableOptions {
  /** Show at most this many rows (the rest is summarized in a final line). Default 50. */
  maxRows?: number;
  /** Significant digits of non-integer numbers. Default 6. */
  digits?: number;
  /** A caption above the table. */
  caption?: string;
  /** Show the DataFrame's index (or the row number) as the first column. Default: true for DataFrames. */
  index?: boolean;
}

function isDataFrame(x: unknown): x is DataFrameLike {
  return (
    x !== null &&
    typeof x === "object" &&
    !Array.isArray(x) &&
    Array.isArray((x as DataFrameLike).columns) &&
    Array.isArray((x as DataFrameLike).values)
  );
}

function cellText(v: unknown, digits: number): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v) || !Number.isFinite(v)) return String(v);
    return String(Number(v.toPrecision(digits)));
  }
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<number>).join(", ")}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Rows as strings, the column names and the total row count. */
function tableCells(data: DataFrameLike | Record<string, unknown>[], options: TableOptions = {}) {
  const fn = "showTable";
  const digits = integer(fn, "options.digits", options.digits ?? 6);
  const maxRows = integer(fn, "options.maxRows", options.maxRows ?? 50);
  let columns: string[];
  let rows: unknown[][];
  let index: unknown[] | undefined;
  if (isDataFrame(data)) {
    columns = data.columns.map(String);
    rows = (data.values as unknown[]).map((r) => (Array.isArray(r) ? r : [r]));
    index = options.index === false ? undefined : (data.index ?? rows.map((_, i) => i));
  } else if (Array.isArray(data)) {
    const seen = new Set<string>();
    data.forEach((r, i) => {
      if (r === null || typeof r !== "object" || Array.isArray(r))
        throw new TypeError(`${fn}: records[${i}] must be an object`);
      for (const k of Object.keys(r)) seen.add(k);
    });
    columns = [...seen];
    rows = data.map((r) => columns.map((c) => (r as Record<string, unknown>)[c]));
    index = options.index ? rows.map((_, i) => i) : undefined;
  } else {
    throw new TypeError(`${fn}: expected a DataFrame or an array of records`);
  }
  const shown = rows.slice(0, maxRows).map((r, i) => {
    const cells = r.map((v) => cellText(v, digits));
    return index ? [cellText(index[i], digits), ...cells] : cells;
  });
  const header = index ? ["", ...columns] : columns;
  return { header, rows: shown, total: rows.length, hasIndex: index !== undefined };
}

/**
 * Shows a danfojs DataFrame or an array of records as an HTML table (every cell's text HTML-escaped), with an
 * aligned `text/plain` version as fallback. Returns the bundle (sent to the kernel when one is running).
 *
 * @example
 * ```ts
 * import { showTable } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const out = showTable([{ framework: "PyTorch", "abs'(0)": 0 }, { framework: "JAX", "abs'(0)": 1 }], { caption: "At the kink" });
 * assertEqual(out.text.split("\n"), ["At the kink", "framework  abs'(0)", "---------  -------", "PyTorch    0", "JAX        1"]);
 * ```
 */
export function showTable(data: DataFrameLike | Record<string, unknown>[], options: TableOptions = {}): DisplayBundle {
  const { header, rows, total, hasIndex } = tableCells(data, options);
  const more = total > rows.length ? `${total - rows.length} more rows (${total} in all)` : "";
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, j) => (hasIndex && j === 0 ? `<th>${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join("")}</tr>`,
    )
    .join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  const html =
    `<table class="nsad-table">${caption}<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody></table>` +
    (more ? `\n<p class="nsad-table-more">${escapeHtml(more)}</p>` : "");
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => c.padEnd(widths[j]))
      .join("  ")
      .trimEnd();
  const text = [
    ...(options.caption ? [options.caption] : []),
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    ...(more ? [`... ${more}`] : []),
  ].join("\n");
  const payload = { "text/html": html, "text/plain": text };
  const sent = sendDisplayData({ data: payload, metadata: {} });
  return new DisplayBundle(payload, {}, sent);
}
