/**
 * The TypeScript kernel of the lab site on JupyterLite's kernel API (`BaseKernel` of @jupyterlite/services 0.8).
 * Cells run elsewhere, behind a {@link KernelTransport}: in the lab a Web Worker (./worker.ts), so that the page
 * stays responsive and progress outputs update while a cell computes; in the unit tests the same session in Node.
 */
import type { KernelMessage } from "@jupyterlab/services";
import { BaseKernel, type IKernel } from "@jupyterlite/services";
import type { Outcome, SessionEvent } from "./session";

/** Where the cells run. */
export interface KernelTransport {
  /** Resolves when the compiler and the library are loaded. */
  readonly ready: Promise<void>;
  execute(code: string, onEvent: (e: SessionEvent) => void): Promise<Outcome>;
  names(): Promise<string[]>;
  dispose(): void;
}

export class TypeScriptKernel extends BaseKernel {
  private lastErrorAt = -Infinity;

  constructor(
    options: IKernel.IOptions,
    private readonly transport: KernelTransport,
  ) {
    super(options);
  }

  override get ready(): Promise<void> {
    return this.transport.ready;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.transport.dispose();
    super.dispose();
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg["content"]> {
    return {
      implementation: "nonsmooth-ad-lite",
      implementation_version: "0.1.0",
      language_info: {
        codemirror_mode: { name: "javascript", typescript: true },
        file_extension: ".ts",
        mimetype: "text/typescript",
        name: "typescript",
        nbconvert_exporter: "script",
        pygments_lexer: "typescript",
        version: "5",
      },
      protocol_version: "5.3",
      status: "ok",
      banner: "TypeScript in the browser (nonsmooth-ad workbook)",
      help_links: [],
    };
  }

  async executeRequest(content: KernelMessage.IExecuteRequestMsg["content"]): Promise<KernelMessage.IExecuteReplyMsg["content"]> {
    const parent = this.parentHeader;
    // "stop on error", as Jupyter kernels do: requests sent before a failed cell's error (Run All queues every cell
    // at once) are aborted; a request sent after it runs.
    const sent = Date.parse(parent?.date ?? "");
    if (content.stop_on_error !== false && Number.isFinite(sent) && sent <= this.lastErrorAt) {
      return { status: "aborted", execution_count: null } as unknown as KernelMessage.IExecuteReplyMsg["content"];
    }
    await this.transport.ready;
    const outcome = await this.transport.execute(content.code, (e) => {
      if (e.kind === "stream") this.stream({ name: e.name, text: e.text }, parent);
      else if (e.update) this.updateDisplayData(e.content as KernelMessage.IUpdateDisplayDataMsg["content"], parent);
      else this.displayData(e.content as KernelMessage.IDisplayDataMsg["content"], parent);
    });
    if (outcome.status === "ok") {
      if (outcome.text !== "") {
        this.publishExecuteResult({ execution_count: this.executionCount, data: { "text/plain": outcome.text }, metadata: {} }, parent);
      }
      return { status: "ok", execution_count: this.executionCount, user_expressions: {} };
    }
    const { ename, evalue, traceback } = outcome;
    this.publishExecuteError({ ename, evalue, traceback }, parent);
    this.lastErrorAt = Date.now();
    return { status: "error", execution_count: this.executionCount, ename, evalue, traceback };
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg["content"]): Promise<KernelMessage.ICompleteReplyMsg["content"]> {
    // the names declared by earlier cells that start with the word before the cursor
    const word = /[A-Za-z_$][\w$]*$/.exec(content.code.slice(0, content.cursor_pos))?.[0] ?? "";
    const names = await this.transport.names();
    return {
      matches: names.filter((n) => n.startsWith(word)).sort(),
      cursor_start: content.cursor_pos - word.length,
      cursor_end: content.cursor_pos,
      metadata: {},
      status: "ok",
    };
  }

  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg["content"]> {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg["content"]> {
    return { status: "complete" };
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg["content"]> {
    return { status: "ok", comms: {} };
  }

  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}
