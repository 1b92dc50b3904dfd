import { describe, expect, it } from "vitest";
import { escapeHtml, showTable, toDataFrame } from "../../src/notebook";

describe("showTable", () => {
  const evil = [
    { "<th>&col": "<script>alert(1)</script>", q: `say "hi" & 'bye'`, n: 1.23456789 },
    { "<th>&col": "plain", q: "x", n: 2 },
  ];

  it("escapes every cell, column name and the caption in the HTML", () => {
    const out = showTable(evil, { caption: "<b>cap</b>" });
    const html = String(out.data["text/html"]);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>cap");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("say &quot;hi&quot; &amp; &#39;bye&#39;");
    expect(html).toContain("<th>&lt;th&gt;&amp;col</th>");
    expect(html).toContain("&lt;b&gt;cap&lt;/b&gt;");
    // every '&' in the document starts an entity
    expect(html.match(/&(?!(amp|lt|gt|quot|#39);)/g)).toBeNull();
  });

  it("has a text/plain fallback with the raw text, aligned, numbers rounded to 6 digits", () => {
    const out = showTable(evil);
    const lines = out.text.split("\n");
    expect(lines[0]).toMatch(/^<th>&col\s+q\s+n$/);
    expect(lines[2]).toContain("<script>alert(1)</script>");
    expect(lines[2]).toContain("1.23457");
    expect(out.mimeTypes.sort()).toEqual(["text/html", "text/plain"]);
    expect(out.sent).toBe(false);
  });

  it("limits the rows and says how many were left out", () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ i }));
    const out = showTable(rows, { maxRows: 10 });
    expect((String(out.data["text/html"]).match(/<tr>/g) ?? []).length).toBe(11); // header + 10
    expect(out.text).toContain("20 more rows (30 in all)");
  });

  it("shows a danfojs DataFrame made by toDataFrame, with its index", () => {
    const df = toDataFrame([
      { step: 1, loss: 0.5 },
      { step: 2, loss: 0.25 },
    ]);
    expect(df.shape).toEqual([2, 2]);
    const out = showTable(df);
    const html = String(out.data["text/html"]);
    expect(html).toContain("<th>step</th>");
    expect(html).toContain("<td>0.25</td>");
    expect(html).toContain("<th>1</th>"); // index of the second row
  });

  it("toDataFrame refuses records with different keys, naming the record", () => {
    expect(() => toDataFrame([{ a: 1 }, { b: 2 }])).toThrow(/records\[1\] has keys \{b\}/);
    expect(() => toDataFrame([])).toThrow(/empty/);
  });

  it("escapeHtml escapes the five characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});
