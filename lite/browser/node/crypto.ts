/** `randomBytes` for the browser bundle (ids of display outputs), on the Web Crypto API. */
import { Buffer } from "./buffer";

export function randomBytes(n: number): ReturnType<typeof Buffer.alloc> {
  const out = Buffer.alloc(n);
  crypto.getRandomValues(out);
  return out;
}

/** Sweep plans hash their files (the slurm backend of `sweep`, which needs Node): not in a browser. */
export function createHash(_algorithm: string): never {
  throw new Error("nonsmooth-ad in the browser: sweep plans (the slurm backend of sweep) need Node; run them with Node");
}
