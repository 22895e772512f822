// Records every value a progress bar takes in the page (a MutationObserver with old values, so values
// set between two observer callbacks are not lost), to check afterwards how the bar moved.

// Starts recording the aria-valuenow of the element matching `selector` into window.__progress[name].
export async function record_progress(page, selector, name) {
  await page.evaluate(({ selector, name }) => {
    window.__progress ??= {};
    const log = (window.__progress[name] = []);
    const bar = document.querySelector(selector);
    log.push(Number(bar.getAttribute("aria-valuenow")));
    new MutationObserver((records) => {
      for (const record of records.slice(1)) log.push(Number(record.oldValue));
      log.push(Number(bar.getAttribute("aria-valuenow")));
    }).observe(bar, { attributes: true, attributeFilter: ["aria-valuenow"], attributeOldValue: true });
  }, { selector, name });
}

// The values recorded, in order, with repeats removed.
export async function progress_values(page, name) {
  const values = await page.evaluate((name) => window.__progress[name], name);
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}
