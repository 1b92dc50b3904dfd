/**
 * The little of Node's `Buffer` the notebook entry uses (`Buffer.from(bytes | base64)`, `toString("base64" |
 * "hex" | "utf8")`), for the browser bundle of the library.
 */
class BrowserBuffer extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding === "base64") {
      let bin = "";
      for (let i = 0; i < this.length; i += 0x8000) bin += String.fromCharCode(...this.subarray(i, i + 0x8000));
      return btoa(bin);
    }
    if (encoding === "hex") return Array.from(this, (b) => b.toString(16).padStart(2, "0")).join("");
    return new TextDecoder().decode(this);
  }
}

function alloc(n: number): BrowserBuffer {
  return new BrowserBuffer(n);
}

function from(value: ArrayLike<number> | ArrayBuffer | string, encoding?: string): BrowserBuffer {
  if (typeof value === "string") {
    if (encoding === "base64") {
      const bin = atob(value);
      const out = alloc(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    }
    if (encoding === "hex") {
      const out = alloc(value.length >> 1);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
      return out;
    }
    const bytes = new TextEncoder().encode(value);
    const out = alloc(bytes.length);
    out.set(bytes);
    return out;
  }
  const src = value instanceof ArrayBuffer ? new Uint8Array(value) : Uint8Array.from(value);
  const out = alloc(src.length);
  out.set(src);
  return out;
}

export const Buffer = {
  alloc,
  from,
  isBuffer: (x: unknown): x is BrowserBuffer => x instanceof BrowserBuffer,
};
