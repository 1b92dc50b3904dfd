/** The kernel's side of its Web Worker (./worker.ts): requests out, events and outcomes back. */
import type { KernelTransport } from "./kernel";
import type { Outcome, SessionEvent } from "./session";
import type { FromWorker, ToWorker } from "./worker-protocol";

export class WorkerTransport implements KernelTransport {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly running = new Map<number, { onEvent(e: SessionEvent): void; done(o: Outcome): void }>();
  private readonly naming = new Map<number, (names: string[]) => void>();
  private failure: string | undefined;

  constructor(workerUrl: string, init: Omit<Extract<ToWorker, { type: "init" }>, "type">) {
    this.worker = new Worker(workerUrl, { type: "module", name: "nonsmooth-ad kernel" });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.onmessage = (ev: MessageEvent<FromWorker>) => {
        const m = ev.data;
        if (m.type === "ready") resolve();
        else if (m.type === "init-error") reject(new Error(`the TypeScript kernel could not start: ${m.message}`));
        else if (m.type === "event") this.running.get(m.id)?.onEvent(m.event);
        else if (m.type === "outcome") {
          this.running.get(m.id)?.done(m.outcome);
          this.running.delete(m.id);
        } else if (m.type === "names") {
          this.naming.get(m.id)?.(m.names);
          this.naming.delete(m.id);
        }
      };
      this.worker.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        this.fail(`the kernel's worker stopped: ${ev.message || "an error outside any cell"}`);
        reject(new Error(this.failure));
      };
    });
    this.post({ type: "init", ...init });
  }

  private post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private fail(message: string): void {
    this.failure = message;
    for (const r of this.running.values()) r.done({ status: "error", ename: "KernelError", evalue: message, traceback: [message] });
    this.running.clear();
  }

  execute(code: string, onEvent: (e: SessionEvent) => void): Promise<Outcome> {
    if (this.failure) return Promise.resolve({ status: "error", ename: "KernelError", evalue: this.failure, traceback: [`${this.failure}; restart the kernel`] });
    const id = this.nextId++;
    return new Promise((done) => {
      this.running.set(id, { onEvent, done });
      this.post({ type: "execute", id, code });
    });
  }

  names(): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.naming.set(id, resolve);
      this.post({ type: "names", id });
    });
  }

  dispose(): void {
    this.worker.terminate();
    this.fail("the kernel was shut down");
  }
}
