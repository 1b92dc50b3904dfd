/**
 * The lab application's start-up, after JupyterLite 0.8's `app/index.template.js` (jupyterlite/jupyterlite v0.8.1):
 * register the plugins, resolve the service manager (JupyterLite's in-browser one), start JupyterLab.
 * The entry file that imports the extensions and calls {@link main} is written by scripts/build-lite.mjs.
 */
import { JupyterLab, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";
import { IServiceManager, type ServiceManager } from "@jupyterlab/services";
import { PluginRegistry } from "@lumino/coreutils";

type PluginModule = { default?: unknown } | unknown;

function pluginsOf(mod: PluginModule, disabled: readonly string[]): JupyterFrontEndPlugin<unknown>[] {
  const exp = mod && typeof mod === "object" && "default" in mod ? (mod as { default: unknown }).default : mod;
  const list = (Array.isArray(exp) ? exp : [exp]) as JupyterFrontEndPlugin<unknown>[];
  return list.filter((p) => p && typeof p.id === "string" && !disabled.includes(p.id) && !PageConfig.Extension.isDisabled(p.id));
}

declare global {
  interface Window {
    jupyterapp?: JupyterLab;
  }
}

/** Starts the lab with the given extension modules (each a plugin or an array of plugins, maybe as `default`). */
export async function main(extensions: PluginModule[], mimeExtensions: PluginModule[], disabled: readonly string[]): Promise<void> {
  const plugins = extensions.flatMap((m) => pluginsOf(m, disabled));
  const mimePlugins = mimeExtensions.flatMap((m) => pluginsOf(m, disabled));
  const pluginRegistry = new PluginRegistry();
  pluginRegistry.registerPlugins(plugins);
  const serviceManager = (await pluginRegistry.resolveRequiredService(IServiceManager)) as ServiceManager.IManager;
  const app = new JupyterLab({
    pluginRegistry,
    serviceManager,
    mimeExtensions: mimePlugins as never,
    availablePlugins: plugins.map((p) => ({ ...p, extension: "" })) as never,
  });
  // the browser tests (test/lite) drive the app through it, as JupyterLite does with exposeAppInBrowser
  window.jupyterapp = app;
  await app.start({ bubblingKeydown: true });
  await app.restored;
  // ?path=NAME.ipynb opens a notebook (the static site's index links each notebook so). JupyterLite's opener
  // only routes it for a lab page in a folder named lab/ below the base URL; this site's page is the base.
  for (const path of new URLSearchParams(window.location.search).getAll("path")) {
    await app.commands.execute("docmanager:open", { path, factory: path.endsWith(".ipynb") ? "Notebook" : undefined });
  }
  document.body.dataset.labRestored = "true";
}
