/** `util.inspect` for the browser bundle: the library only uses its `custom` symbol and plain formatting. */
import { formatValue } from "../../kernel/format";

export const inspect = Object.assign((value: unknown): string => formatValue(value), {
  custom: Symbol.for("nodejs.util.inspect.custom"),
});
