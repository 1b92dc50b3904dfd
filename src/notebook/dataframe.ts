/**
 * danfojs DataFrames from records.
 * @module
 */
import { requirePeer } from "./lazy";
import type { DataFrameLike } from "./table";
import { recordArray } from "../validate";

/**
 * Builds a danfojs-node DataFrame from an array of records (objects with the same keys). danfojs-node is an
 * optional peer: install it to use this. The result is typed loosely (danfojs' own types are not needed).
 *
 * @example
 * ```ts
 * import { toDataFrame, showTable } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * const df = toDataFrame([{ step: 1, loss: 0.5 }, { step: 2, loss: 0.25 }]);
 * assertEqual(df.shape, [2, 2]);
 * assertEqual(showTable(df).text.split("\n")[0].split(/\s+/), ["", "step", "loss"]); // the index column, then the fields
 * ```
 */
export function toDataFrame(
  records: Record<string, unknown>[],
): DataFrameLike & { shape: number[]; [key: string]: any } {
  const rows = recordArray("toDataFrame", "records", records);
  if (rows.length === 0) throw new RangeError("toDataFrame: records is empty; a DataFrame needs at least one row");
  const keys = Object.keys(rows[0]).sort().join(",");
  rows.forEach((r, i) => {
    const k = Object.keys(r).sort().join(",");
    if (k !== keys)
      throw new RangeError(
        `toDataFrame: records[${i}] has keys {${k}} but records[0] has {${keys}}; every record needs the same keys`,
      );
  });
  const danfo = requirePeer("danfojs-node", "toDataFrame");
  return new danfo.DataFrame(rows);
}
