// The browser kernel (lite/kernel) run in Node: the same compiled kernel module and the same browser bundle of the
// library the lab site loads, driven by Jupyter execute_request messages; the tests read the messages it sends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import ts from "typescript";
import { compileCell } from "../../lite/kernel/transform";
import { CellRunner } from "../../lite/kernel/runtime";
import { formatValue } from "../../lite/kernel/format";
import { buildKernelForNode, type Built } from "./harness";

interface Msg {
  header: { msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
}

describe("compileCell", () => {
  it("turns top-level declarations into assignments to the scope and returns the last expression", () => {
    const c = compileCell(
      ts,
      "const a: number = 1;\nlet [b, { c }] = [2, { c: 3 }];\nfunction f(x: number) { return x + a; }\nclass K {}\nf(b)",
    );
    expect([...c.declared].sort()).toEqual(["K", "a", "b", "c", "f"]);
    expect(c.hasResult).toBe(true);
    expect(c.body).toContain("return (f(b))");
    expect(c.body).not.toMatch(/\bconst a\b|\blet \[/);
  });

  it("rewrites imports to require, drops type-only imports and exports", () => {
    const c = compileCell(
      ts,
      'import { a, b as c, type T } from "m";\nimport type { U } from "n";\nimport * as ns from "p";\nexport const x: T = a;',
    );
    expect(c.body).toContain('({ a, b: c } = require("m"))');
    expect([...c.declared].sort()).toEqual(["a", "c", "ns", "x"]);
    expect(c.body).toContain('ns = require("p")');
    expect(c.body).not.toContain('"n"');
    expect(c.body).not.toContain("export");
  });

  it("reports a syntax error with its line and column", () => {
    expect(() => compileCell(ts, "const x = 1;\nconst = 2;")).toThrow(/line 2, column 7/);
  });
});

describe("CellRunner (persistence, top-level await)", () => {
  it("keeps declarations across cells, function hoisting included, and awaits at top level", async () => {
    const r = new CellRunner(ts, () => ({}));
    await r.run("let n: number = 1;\nconst twice = (x: number) => 2 * x;");
    await r.run("n = twice(n) + later();\nfunction later() { return 10; }");
    const res = await r.run("const v = await new Promise<number>((ok) => setTimeout(() => ok(n), 5));\nv + 1");
    expect(res).toEqual({ hasResult: true, value: 13 });
    // a closure of an earlier cell sees a later assignment
    await r.run("const read = () => n;");
    await r.run("n = 100;");
    expect((await r.run("read()")).value).toBe(100);
  });

  it("rejects with the error a cell throws, and the kernel's scope survives it", async () => {
    const r = new CellRunner(ts, () => ({}));
    await r.run("const kept = 7;");
    await expect(r.run('throw new RangeError("boom")')).rejects.toThrow("boom");
    expect((await r.run("kept")).value).toBe(7);
  });
});

describe("formatValue", () => {
  it("prints like util.inspect for the common cases", () => {
    expect(formatValue("s")).toBe("'s'");
    expect(formatValue([1, -0, { a: [1, 2] }])).toBe("[ 1, -0, { a: [ 1, 2 ] } ]");
    expect(formatValue(new Float64Array([0.5, 2]))).toBe("Float64Array(2) [ 0.5, 2 ]");
  });
});

describe("the kernel on JupyterLite's kernel API, with the library's browser bundle", () => {
  let built: Built;
  let messages: Msg[] = [];
  let kernel: { handleMessage(msg: unknown): Promise<void>; ready: Promise<void> };
  let seq = 0;

  async function execute(
    code: string,
    date = new Date().toISOString(),
  ): Promise<{ reply: Record<string, unknown>; iopub: Msg[] }> {
    const msgId = `m${++seq}`;
    messages = [];
    await kernel.handleMessage({
      header: { msg_id: msgId, msg_type: "execute_request", session: "s", username: "", date, version: "5.3" },
      parent_header: {},
      metadata: {},
      channel: "shell",
      content: {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      },
      buffers: [],
    });
    const reply = messages.find((m) => m.header.msg_type === "execute_reply")!;
    return {
      reply: reply.content,
      iopub: messages.filter(
        (m) =>
          m.header.msg_type !== "execute_reply" &&
          m.header.msg_type !== "status" &&
          m.header.msg_type !== "execute_input",
      ),
    };
  }

  beforeAll(async () => {
    built = await buildKernelForNode();
    const { TypeScriptKernel } = await import(built.url("kernel.js"));
    const { CellSession, installGlobals } = await import(built.url("session.js"));
    const { Buffer: BrowserBuffer } = await import(built.url("buffer.js"));
    const env = { ts, modules: {} as Record<string, unknown>, files: {}, env: {} };
    // as the worker does: globals first, then the library's browser bundle, then the session
    const resolver = installGlobals(env, BrowserBuffer);
    const core = await import(built.url("nsad/index.js"));
    const notebook = await import(built.url("nsad/notebook.js"));
    const [vega, vegaLite, resvg] = await Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]);
    Object.assign(env.modules, {
      "nonsmooth-ad": core,
      "nonsmooth-ad/notebook": notebook,
      vega,
      "vega-lite": vegaLite,
      "@resvg/resvg-js": resvg,
    });
    const session = new CellSession(env, resolver);
    // the worker's part, in this process (lite/kernel/worker-transport.ts passes the same calls as messages)
    const transport = {
      ready: Promise.resolve(),
      execute: (code: string, onEvent: (e: unknown) => void) => session.execute(code, onEvent),
      names: async () => session.names(),
      dispose: () => {},
    };
    kernel = new TypeScriptKernel(
      { id: "k", name: "nonsmooth-ad", location: "", sendMessage: (m: Msg) => messages.push(m) },
      transport,
    );
    await kernel.ready;
  }, 120_000);

  afterAll(() => {
    if (built) fs.rmSync(built.dir, { recursive: true, force: true });
  });

  it("resolves imports of the library to its browser bundle and keeps declarations across cells", async () => {
    const a = await execute('import { tensor, assertEqual } from "nonsmooth-ad";\nconst t = tensor([1, 2, 3]);');
    expect(a.reply.status).toBe("ok");
    const b = await execute("assertEqual(t.shape, [3]);\nt.shape.length");
    expect(b.reply.status).toBe("ok");
    const result = b.iopub.find((m) => m.header.msg_type === "execute_result")!;
    expect(result.content.data).toEqual({ "text/plain": "1" });
  });

  it("sends console.log to stdout and top-level await works", async () => {
    const r = await execute('const w = await Promise.resolve(21);\nconsole.log("twice", w * 2);');
    expect(r.reply.status).toBe("ok");
    expect(r.iopub.map((m) => [m.header.msg_type, m.content.name, m.content.text])).toEqual([
      ["stream", "stdout", "twice 42\n"],
    ]);
  });

  it("sends a chart as one display_data with vega-lite, PNG and text, through the library's display helpers", async () => {
    const r = await execute(
      'import { show, linePlot } from "nonsmooth-ad/notebook";\nawait show(linePlot([{ name: "y", x: [0, 1], y: [1, 0] }], { title: "a line" }));',
    );
    expect(r.reply.status).toBe("ok");
    const shown = r.iopub.filter((m) => m.header.msg_type === "display_data");
    expect(shown).toHaveLength(1);
    const data = shown[0].content.data as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(["application/vnd.vegalite.v5+json", "image/png", "text/plain"]);
    expect(String(data["image/png"]).slice(0, 8)).toBe("iVBORw0K"); // the PNG signature in base64
    // the DisplayBundle is the cell's last value: like tslab, nothing more is printed for it
    expect(r.iopub.filter((m) => m.header.msg_type === "execute_result")).toHaveLength(0);
  });

  it("updates a progress output in place (update_display_data with the same display_id)", async () => {
    const r = await execute(
      'import { progress } from "nonsmooth-ad/notebook";\nconst p = progress(3, { label: "steps" });\nfor (let i = 0; i < 3; i++) p.tick();\np.done();',
    );
    expect(r.reply.status).toBe("ok");
    const first = r.iopub.find((m) => m.header.msg_type === "display_data")!;
    const updates = r.iopub.filter((m) => m.header.msg_type === "update_display_data");
    expect(updates.length).toBeGreaterThan(0);
    const id = (first.content.transient as { display_id: string }).display_id;
    expect(updates.every((u) => (u.content.transient as { display_id: string }).display_id === id)).toBe(true);
  });

  it("fails a cell whose assertion fails: an error output with the message, and status error", async () => {
    const r = await execute('import { assert } from "nonsmooth-ad";\nassert(1 > 2, "one is not above two");');
    expect(r.reply.status).toBe("error");
    expect(r.reply.evalue).toContain("one is not above two");
    const err = r.iopub.find((m) => m.header.msg_type === "error")!;
    expect(err.content.evalue).toContain("one is not above two");
  });

  it("stops on error: a request sent before the error is aborted, one sent after it runs", async () => {
    const queuedAt = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    expect((await execute('throw new Error("stop here")')).reply.status).toBe("error");
    const queued = await execute('console.log("queued before the error")', queuedAt);
    expect(queued.reply.status).toBe("aborted");
    expect(queued.iopub).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    expect((await execute("1 + 1")).reply.status).toBe("ok");
  });

  it("says which modules exist when an import cannot be resolved", async () => {
    const r = await execute('import { x } from "left-pad";');
    expect(r.reply.status).toBe("error");
    expect(String(r.reply.evalue)).toMatch(/Cannot find module 'left-pad'.*"nonsmooth-ad"/);
  });
});
