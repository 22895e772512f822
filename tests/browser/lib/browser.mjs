// Debian's chromium, headless, driven by playwright-core; screenshots go to the artifacts directory
// (REPLYD_BROWSER_ARTIFACTS, set by CTest to <build>/browser-artifacts).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export function artifacts_dir() {
  const dir = process.env.REPLYD_BROWSER_ARTIFACTS ?? join(process.cwd(), "artifacts");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launch_browser() {
  return chromium.launch({
    executablePath: process.env.REPLYD_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

// A page whose console errors and uncaught exceptions are collected in `page.problems`, so a test can
// check that the page ran without any.
export async function open_page(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.problems = [];
  page.on("pageerror", (error) => page.problems.push(`uncaught: ${error.message}`));
  // Network answers the page handles itself (a 409, a closed stream) are logged by the browser as
  // "Failed to load resource"; those are not script errors.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      page.problems.push(`console: ${message.text()}`);
    }
  });
  await page.goto(url);
  return page;
}

export async function screenshot(page, name) {
  const path = join(artifacts_dir(), `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
