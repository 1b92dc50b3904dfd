/**
 * The file reads of the notebook entry, in the browser: no local files exist (`existsSync` is false), and
 * `readFileSync` of a URL the kernel's `require.resolve` gave (plotly.js, shipped as a static file of the site)
 * is a synchronous HTTP request. Anything else is a clear error.
 */
export function existsSync(_path: string): boolean {
  return false;
}

export function readFileSync(path: string, encoding?: string): string {
  if (!/^https?:/.test(path)) throw new Error(`nonsmooth-ad in the browser: there are no local files (tried to read ${path})`);
  const req = new XMLHttpRequest();
  req.open("GET", path, false);
  req.send();
  if (req.status !== 200) throw new Error(`nonsmooth-ad in the browser: could not load ${path} (HTTP ${req.status})`);
  if (encoding === undefined) throw new Error(`nonsmooth-ad in the browser: readFileSync(${path}) without an encoding is not supported`);
  return req.responseText;
}

export function writeFileSync(path: string): never {
  throw new Error(`nonsmooth-ad in the browser: files cannot be written (${path}); run the workbook in Jupyter with the tslab kernel for that`);
}
export const mkdirSync = writeFileSync;
export const mkdtempSync = writeFileSync;
export const rmSync = writeFileSync;
// sweep plans (files of the slurm backend of sweep) need Node's file system
export const appendFileSync = writeFileSync;
export const renameSync = writeFileSync;
function noLocalFiles(path: string): never {
  throw new Error(`nonsmooth-ad in the browser: there are no local files (${path})`);
}
export const readdirSync = noLocalFiles;
export const statSync = noLocalFiles;
export const accessSync = noLocalFiles;
export const constants = { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 };
