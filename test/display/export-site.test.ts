// Pure parts of scripts/export-site.mjs: the index's titles and summaries, and argument parsing.
import { describe, expect, it } from "vitest";
import { describeNotebook, parseArgs, plainText } from "../../scripts/export-site.mjs";

const md = (source: string) => ({ cell_type: "markdown", source: source.split(/(?<=\n)/) });

describe("export-site: index entries", () => {
  it("title = first heading, summary = first sentence of the first paragraph, markup and math delimiters removed", () => {
    const nb = {
      cells: [
        { cell_type: "code", source: ["# not a heading"] },
        md("# The *chain* rule\n\nAt a kink of $|x|$, [AD](https://x) returns `0`. More text.\n\n$$x$$"),
      ],
    };
    expect(describeNotebook(nb, "fallback")).toEqual({
      title: "The chain rule",
      summary: "At a kink of |x|, AD returns 0.",
    });
  });

  it("falls back to the file name when there is no heading, and skips lists and display math for the summary", () => {
    const nb = { cells: [md("$$f(x)$$\n\n- a list\n\nReal summary here.")] };
    expect(describeNotebook(nb, "07-x")).toEqual({ title: "07-x", summary: "Real summary here." });
  });

  it("plainText removes emphasis and inline HTML", () => {
    expect(plainText("**bold** and _it_ and <b>tag</b>")).toBe("bold and it and tag");
  });

  it("requires --notebooks and --site", () => {
    expect(() => parseArgs(["--site", "x"])).toThrow(/--notebooks and --site are required/);
    expect(parseArgs(["--notebooks", "a", "--site", "b", "--no-api"])).toEqual({
      notebooks: "a",
      site: "b",
      api: false,
    });
  });
});

describe("firstSentence", () => {
  it("does not stop at an initial or an abbreviation", async () => {
    const { firstSentence } = await import("../../scripts/export-site.mjs");
    expect(firstSentence("After J. Bolte and E. Pauwels (2020), e.g. relu. Then more.")).toBe(
      "After J. Bolte and E. Pauwels (2020), e.g. relu.",
    );
    expect(firstSentence("No end at all")).toBe("No end at all");
    expect(firstSentence("Is it? Yes.")).toBe("Is it?");
  });
});
