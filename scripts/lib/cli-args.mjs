// Command-line options of the experiment scripts: `--name value` and `--flag`.

/**
 * The value after `--name`, or the fallback when the option is absent; an option given without a value is an error.
 * @param {string} name @param {string | undefined} fallback
 */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
  return v;
}

/** Whether `--name` is given. @param {string} name */
export const flag = (name) => process.argv.includes(`--${name}`);
