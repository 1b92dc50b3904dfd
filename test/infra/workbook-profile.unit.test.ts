// The workbook runner's --with-solutions, --profile and --jobs options, and the profile's lines.
import { describe, expect, it } from "vitest";
import { parseArgs, slowestCells } from "../../scripts/workbook.mjs";

describe("workbook options", () => {
  it("--with-solutions and --profile[=N]", () => {
    expect(parseArgs([], {})).toMatchObject({ withSolutions: false, profile: 0 });
    expect(parseArgs(["--with-solutions", "--profile"], {})).toMatchObject({ withSolutions: true, profile: 5 });
    expect(parseArgs(["--profile=12"], {}).profile).toBe(12);
    // a bare --profile never takes the notebook after it as its count
    expect(parseArgs(["--profile", "notebooks/a.ipynb"], {})).toMatchObject({
      profile: 5,
      notebooks: ["notebooks/a.ipynb"],
    });
    expect(() => parseArgs(["--profile=0"], {})).toThrow(/whole number of cells N >= 1/);
    expect(() => parseArgs(["--profile=x"], {})).toThrow(/whole number/);
  });
});

describe("--jobs", () => {
  it("defaults to the machine's cores or NSAD_WORKBOOK_JOBS, and refuses anything but a whole number >= 1", () => {
    expect(parseArgs([], {}).jobs).toBeGreaterThanOrEqual(1);
    expect(parseArgs([], { NSAD_WORKBOOK_JOBS: "3" }).jobs).toBe(3);
    expect(parseArgs(["--jobs", "1"], { NSAD_WORKBOOK_JOBS: "3" }).jobs).toBe(1);
    expect(parseArgs(["--jobs=4"], {}).jobs).toBe(4);
    expect(() => parseArgs(["--jobs", "0"], {})).toThrow(/--jobs needs a whole number .* \(got "0"\)/);
    expect(() => parseArgs(["--jobs", "1.5"], {})).toThrow(/got "1.5"/);
    expect(() => parseArgs([], { NSAD_WORKBOOK_JOBS: "many" })).toThrow(/got "many"/);
  });
});

describe("slowestCells", () => {
  const timings = [
    { number: 2, code_number: 1, first_line: "import x", seconds: 0.5 },
    { number: 4, code_number: 2, first_line: "const slow = 1;", seconds: 3 },
    { number: 6, code_number: 3, first_line: `const long = "${"a".repeat(100)}";`, seconds: 1.5 },
  ];
  it("lists the slowest cells first, with their share of the notebook's cell time, after the kernel's start-up", () => {
    const lines = slowestCells(timings, 2, 4.25);
    expect(lines[0]).toBe("   4.3 s  kernel start-up");
    expect(lines[1]).toBe("   3.0 s  60%  cell 4 (code cell 2): const slow = 1;");
    expect(lines[2]).toMatch(/^ {3}1\.5 s {2}30% {2}cell 6 \(code cell 3\): const long = "a+…$/);
    expect(lines.length).toBe(3);
  });
  it("prints nothing but the start-up when there are no timings (a notebook that did not start)", () => {
    expect(slowestCells(undefined, 5, null)).toEqual([]);
    expect(slowestCells([], 5, 1)).toEqual(["   1.0 s  kernel start-up"]);
  });
});
