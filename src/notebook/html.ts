/**
 * HTML escaping.
 * @module
 */

/**
 * Escapes text for HTML element content and attribute values: `&`, `<`, `>`, `"` and `'`.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "nonsmooth-ad/notebook";
 * import { assertEqual } from "nonsmooth-ad";
 * assertEqual(escapeHtml(`<b title="x">a & b</b>`), "&lt;b title=&quot;x&quot;&gt;a &amp; b&lt;/b&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON for embedding inside a `<script>` element: `<`, `>`, `&` and U+2028/2029 escaped. @internal */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
