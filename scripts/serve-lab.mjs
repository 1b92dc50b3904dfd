#!/usr/bin/env node
// Serves the built site (build/site/: the static pages and the lab in build/site/lab/) on localhost with Node's
// http module, and prints the address. The lab needs http (browsers refuse its modules and workers from file://).
//
//   npm run lab [-- --port N] [--dir DIR] [--host HOST]
//
// Port 0 picks a free port. Stop with Ctrl-C.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".ipynb": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".ttf": "font/ttf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
};

/** A static file server for `dir`; resolves to the listening server. */
export function serve({ dir, port = 8765, host = "127.0.0.1" }) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    let file = path.join(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!rel.endsWith("/")) {
        res.writeHead(301, { Location: `${rel}/` }).end();
        return;
      }
      file = path.join(file, "index.html");
    }
    if (!fs.existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${rel}`);
      return;
    }
    const stat = fs.statSync(file);
    res.writeHead(200, {
      "Content-Type": TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "Content-Length": stat.size,
      "Cache-Control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

function parseArgs(argv) {
  const opts = { dir: path.join(ROOT, "build", "site"), port: 8765, host: "127.0.0.1" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") opts.port = Number(argv[++i]);
    else if (a === "--dir") opts.dir = path.resolve(argv[++i]);
    else if (a === "--host") opts.host = argv[++i];
    else
      throw new Error(
        `serve-lab: unknown argument ${JSON.stringify(a)} (usage: npm run lab [-- --port N] [--dir DIR] [--host HOST])`,
      );
  }
  if (!(Number.isInteger(opts.port) && opts.port >= 0 && opts.port < 65536))
    throw new Error(`serve-lab: --port must be an integer in [0, 65535], got ${opts.port}`);
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const lab = fs.existsSync(path.join(opts.dir, "lab", "index.html"))
      ? "lab/"
      : fs.existsSync(path.join(opts.dir, "index.html"))
        ? ""
        : null;
    if (lab === null) {
      console.error(
        `serve-lab: nothing to serve in ${opts.dir}: build the site first (npm run workbook, or npm run lab:build for the lab alone)`,
      );
      process.exit(1);
    }
    const server = await serve(opts);
    const { port } = server.address();
    console.log(`Serving ${path.relative(process.cwd(), opts.dir) || "."} at http://${opts.host}:${port}/`);
    console.log(`JupyterLab with the workbook: http://${opts.host}:${port}/${lab}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
