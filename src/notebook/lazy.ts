/**
 * Lazy loading of the optional peer packages (vega, vega-lite, resvg, plotly, danfojs, tslab).
 * The notebook entry must load without them; each is required on first use only.
 *
 * @module
 * @internal
 */

const cache = new Map<string, unknown>();

/**
 * Requires the optional peer `pkg`, or throws an error that names the package to install and what needs it.
 * @internal
 */
export function requirePeer<T = any>(pkg: string, neededFor: string): T {
  if (cache.has(pkg)) return cache.get(pkg) as T;
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(pkg);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "MODULE_NOT_FOUND" && String((e as Error).message).includes(`'${pkg}'`)) {
      throw new Error(
        `nonsmooth-ad/notebook: ${neededFor} needs the optional package "${pkg}", which is not installed. ` +
          `Install it next to nonsmooth-ad: npm install ${pkg}`,
      );
    }
    throw e;
  }
  cache.set(pkg, mod);
  return mod as T;
}

/** Resolves a file inside an optional peer package, or throws the same kind of error as {@link requirePeer}. @internal */
export function resolvePeerFile(spec: string, pkg: string, neededFor: string): string {
  try {
    return require.resolve(spec);
  } catch {
    throw new Error(
      `nonsmooth-ad/notebook: ${neededFor} needs the optional package "${pkg}" (file ${spec}), which is not installed. ` +
        `Install it next to nonsmooth-ad: npm install ${pkg}`,
    );
  }
}
