// `process` for the few JupyterLab dependencies that read process.env or process.platform in the browser.
export const process = { env: { NODE_ENV: "production" }, platform: "browser", browser: true, argv: [], version: "", versions: {}, cwd: () => "/" };
