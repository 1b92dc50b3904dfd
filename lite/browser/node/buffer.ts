/**
 * The little of Node's `Buffer` the notebook entry uses (`Buffer.from(bytes | base64)`, `toString("base64" |
 * "hex" | "utf8")`), for the browser bundle of the library.
 */
export class Buffer extends Uint8Array {
  static from(value: ArrayLike<number> | ArrayBufferLike | string, encoding?: string): Buffer {
    if (typeof value === "string") {
      if (encoding === "base64") {
        const bin = atob(value);
        const out = new Buffer(bin.length);
        for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
        return out;
      }
      if (encoding === "hex") {
        const out = new Buffer(value.length >> 1);
        for (let i = 0; i < out.length; i++) out[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
        return out;
      }
      const bytes = new TextEncoder().encode(value);
      const out = new Buffer(bytes.length);
      out.set(bytes);
      return out;
    }
    const src = value instanceof ArrayBuffer ? new Uint8Array(value) : Uint8Array.from(value as ArrayLike<number>);
    const out = new Buffer(src.length);
    out.set(src);
    return out;
  }

  static isBuffer(x: unknown): x is Buffer {
    return x instanceof Buffer;
  }

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
