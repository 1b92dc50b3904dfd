/** `randomBytes` for the browser bundle (ids of display outputs), on the Web Crypto API. */
import { Buffer } from "./buffer";

export function randomBytes(n: number): Buffer {
  const out = new Buffer(n);
  crypto.getRandomValues(out);
  return out;
}
