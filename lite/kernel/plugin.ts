/**
 * The JupyterLite plugin that registers the TypeScript kernel under the kernelspec name the workbook's notebooks
 * carry ("nonsmooth-ad", as the tslab kernel spec of kernel/install.mjs), so that each opens with it.
 */
import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { IKernelSpecs } from "@jupyterlite/services";
import type * as TS from "typescript";
import { Buffer } from "../browser/node/buffer";
import { installGlobals, TypeScriptKernel, type KernelEnvironment } from "./kernel";

/** The site folder (under the lab's base URL) that holds the library's browser bundle and the static data. */
export const NSAD_DIR = "build/nsad";

function siteUrl(rel: string): string {
  return new URL(URLExt.join(PageConfig.getBaseUrl(), rel), window.location.href).href;
}

/** Loads the compiler and the library once per page (every kernel of the page shares them). */
let environment: Promise<KernelEnvironment> | undefined;
function loadEnvironment(): Promise<KernelEnvironment> {
  if (!environment) {
    environment = (async () => {
      const load = (file: string) => import(/* webpackIgnore: true */ siteUrl(`${NSAD_DIR}/${file}`));
      const scale = new URLSearchParams(window.location.search).get("scale");
      const env: KernelEnvironment = {
        ts: undefined as unknown as typeof TS,
        modules: {},
        files: { "plotly.js-dist-min/plotly.min.js": siteUrl(`${NSAD_DIR}/static/plotly.min.js`) },
        env: scale ? { NSAD_SCALE: scale } : {},
        resolver: undefined as unknown as KernelEnvironment["resolver"],
      };
      // the library's bundle reads `require`, `process` and `Buffer` from globals when it loads (build-lite.mjs, banner)
      env.resolver = installGlobals(env, Buffer);
      const [tsMod, core, notebook, peers] = await Promise.all([load("typescript.js"), load("index.js"), load("notebook.js"), load("peers.js")]);
      await peers.initPeers(siteUrl(`${NSAD_DIR}/static`));
      env.ts = tsMod.default as typeof TS;
      // copy the descriptors: "mnist" is a getter that loads the digits on first use
      Object.defineProperties(env.modules, Object.getOwnPropertyDescriptors(peers.modules));
      Object.assign(env.modules, { "nonsmooth-ad": core, "nonsmooth-ad/notebook": notebook });
      return env;
    })();
    environment.catch(() => (environment = undefined));
  }
  return environment;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "nonsmooth-ad-lite:typescript-kernel",
  description: "The TypeScript kernel of the nonsmooth-ad workbook, running in the browser.",
  autoStart: true,
  requires: [IKernelSpecs],
  activate: (_app, kernelspecs: IKernelSpecs) => {
    kernelspecs.register({
      spec: {
        name: "nonsmooth-ad",
        display_name: "TypeScript (nonsmooth-ad)",
        language: "typescript",
        argv: [],
        resources: {
          "logo-32x32": siteUrl("build/typescript-logo.svg"),
          "logo-64x64": siteUrl("build/typescript-logo.svg"),
        },
      },
      create: async (options) => new TypeScriptKernel(options, loadEnvironment),
    });
  },
};

export default plugin;
