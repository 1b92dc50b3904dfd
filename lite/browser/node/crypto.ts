/** `randomBytes` for the browser bundle (ids of display outputs), on the Web Crypto API. */
import { Buffer } from "./buffer";

export function randomBytes(n: number): ReturnType<typeof Buffer.alloc> {
  const out = Buffer.alloc(n);
  crypto.getRandomValues(out);
  return out;
}
