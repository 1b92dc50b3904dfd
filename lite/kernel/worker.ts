/**
 * The kernel's Web Worker (a module worker, build/nsad/kernel-worker.js): loads the TypeScript compiler, the
 * library's browser bundle and the peers next to it, then runs cells for the kernel in the page
 * (./worker-transport.ts). Running here keeps the page responsive while a cell computes.
 */
import { Buffer } from "../browser/node/buffer";
import { CellSession, installGlobals, type SessionEnvironment } from "./session";
import type { ToWorker } from "./worker-protocol";

let session: CellSession | undefined;
const post = (msg: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(msg);

async function init(msg: Extract<ToWorker, { type: "init" }>): Promise<void> {
  const env: SessionEnvironment = { ts: undefined as unknown as SessionEnvironment["ts"], modules: {}, files: msg.files, env: msg.env };
  const resolver = installGlobals(env, Buffer);
  const load = (file: string) => import(/* webpackIgnore: true */ new URL(`./${file}`, import.meta.url).href);
  const [tsMod, core, notebook, peers] = await Promise.all([load("typescript.js"), load("index.js"), load("notebook.js"), load("peers.js")]);
  await peers.initPeers(msg.staticBase);
  env.ts = tsMod.default;
  // copy the descriptors: "mnist" is a getter that loads the digits on first use
  Object.defineProperties(env.modules, Object.getOwnPropertyDescriptors(peers.modules));
  Object.assign(env.modules, { "nonsmooth-ad": core, "nonsmooth-ad/notebook": notebook });
  session = new CellSession(env, resolver);
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === "init") {
    try {
      await init(msg);
      post({ type: "ready" });
    } catch (e) {
      post({ type: "init-error", message: e instanceof Error ? `${e.message}` : String(e) });
    }
  } else if (msg.type === "execute") {
    const outcome = await session!.execute(msg.code, (event) => post({ type: "event", id: msg.id, event }));
    post({ type: "outcome", id: msg.id, outcome });
  } else if (msg.type === "names") {
    post({ type: "names", id: msg.id, names: session ? session.names() : [] });
  }
};
