// Headless Chromium (Debian's /usr/bin/chromium) through playwright-core, with every request that is not
// file:// (or an allowed local origin) blocked and recorded.
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.NSAD_CHROMIUM ?? "/usr/bin/chromium";

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface Watched {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  failedRequests: string[];
  blockedRequests: string[];
}

/** A new page whose console errors, page errors and failed/blocked requests are recorded. */
export async function watchedPage(browser: Browser, allow: (url: string) => boolean): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const w: Watched = { page, context, consoleErrors: [], failedRequests: [], blockedRequests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") w.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => w.consoleErrors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (!w.blockedRequests.includes(r.url())) w.failedRequests.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allow(url)) return route.continue();
    w.blockedRequests.push(url);
    return route.abort("blockedbyclient");
  });
  return w;
}
