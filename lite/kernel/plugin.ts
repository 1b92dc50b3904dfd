/**
 * The JupyterLite plugin that registers the TypeScript kernel under the kernelspec name the workbook's notebooks
 * carry ("nonsmooth-ad", as the tslab kernel spec of kernel/install.mjs), so that each opens with it.
 */
import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { PageConfig, URLExt } from "@jupyterlab/coreutils";
import { IKernelSpecs } from "@jupyterlite/services";
import { TypeScriptKernel } from "./kernel";
import { WorkerTransport } from "./worker-transport";

/** The site folder (under the lab's base URL) that holds the library's browser bundle, the worker, the data. */
export const NSAD_DIR = "build/nsad";

function siteUrl(rel: string): string {
  return new URL(URLExt.join(PageConfig.getBaseUrl(), rel), window.location.href).href;
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
      create: async (options) => {
        // ?scale=N in the lab's address plays the part of NSAD_SCALE=N
        const scale = new URLSearchParams(window.location.search).get("scale");
        const transport = new WorkerTransport(siteUrl(`${NSAD_DIR}/kernel-worker.js`), {
          staticBase: siteUrl(`${NSAD_DIR}/static`),
          env: scale ? { NSAD_SCALE: scale } : {},
          files: { "plotly.js-dist-min/plotly.min.js": siteUrl(`${NSAD_DIR}/static/plotly.min.js`) },
        });
        return new TypeScriptKernel(options, transport);
      },
    });
  },
};

export default plugin;
