// The --html page in a real browser: node test-html.mjs DEMO.html DEMO.json BAD.html BAD.json SHOT.png
//
// DEMO.* come from one run of the demo (--json and --html together), BAD.*
// from one whose checks fail.  For the demo, every step is visited (the
// arrow keys, the next button, the slider) and what is drawn is compared
// with the trace's object of that step: the areas, the changed entries, the
// walk of a clicked page.  For BAD, every step's violations must show: the
// rule marked, each violation listed, one highlighted in the range.
// Nothing may print a console error or fetch anything.  Exits 1 with
// "FAIL ..." lines giving expected and actual.
import { readFileSync } from 'node:fs';
import { launch, openPage, load } from './lib.mjs';

const [demoHtml, demoJson, badHtml, badJson, shot] = process.argv.slice(2);
if (!shot) {
  console.error('usage: node test-html.mjs DEMO.html DEMO.json BAD.html BAD.json SHOT.png');
  process.exit(2);
}

let failures = 0, checks = 0;
function expectEq(what, expected, actual) {
  checks++;
  const e = JSON.stringify(expected), a = JSON.stringify(actual);
  if (e === a) return;
  failures++;
  if (Array.isArray(expected) && Array.isArray(actual) && e.length > 400) {
    // Long lists: the lengths and the first entry that differs.
    let i = 0;
    while (i < expected.length && JSON.stringify(expected[i]) === JSON.stringify(actual[i])) i++;
    console.log(`FAIL  ${what}\n      expected: ${expected.length} entries; actual: ${actual.length}` +
      `\n      first difference at [${i}]: expected ${JSON.stringify(expected[i])}, actual ${JSON.stringify(actual[i])}`);
  } else {
    console.log(`FAIL  ${what}\n      expected: ${e}\n      actual:   ${a}`);
  }
}
function ops(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
    .filter((o) => o.type === 'op');
}

// What the page draws at its current step.
const drawn = (page) => page.evaluate(() => ({
  step: Number(document.body.dataset.step),
  stepno: document.getElementById('stepno').textContent,
  areas: [...document.querySelectorAll('#lane .area')].map((a) => a.dataset.addr),
  names: [...document.querySelectorAll('#lane .area .label')].map((l) => l.textContent),
  changes: [...document.querySelectorAll('#changes tr.change')].map((r) =>
    [r.dataset.level, r.dataset.va, r.dataset.entry, r.dataset.old, r.dataset.new]),
  violatedRules: [...document.querySelectorAll('#rules .rule.violated')].map((r) => r.dataset.rule),
  violationLines: document.querySelectorAll('#violations .v').length,
  highlighted: document.querySelectorAll('#lane .violated').length,
}));

function compareStep(tag, k, want, got) {
  expectEq(`${tag} step ${k + 1}: the page is at this step`, k, got.step);
  expectEq(`${tag} step ${k + 1} (${want.op}): areas drawn = the trace's areas`,
    (want.areas || []).map((a) => a.addr), got.areas);
  expectEq(`${tag} step ${k + 1} (${want.op}): area names = the trace's`,
    (want.areas || []).map((a) => a.name), got.names);
  expectEq(`${tag} step ${k + 1} (${want.op}): changed entries listed = the trace's`,
    want.changes.map((c) => [c.level, c.va, c.entry, c.old, c.new]), got.changes);
}

const { browser, close } = await launch();
try {
  // ---- the demo: every step, three ways of moving ----
  const demo = ops(demoJson);
  expectEq('the demo trace has operations', true, demo.length > 0);
  const { page, url, problems } = await openPage(browser, demoHtml);
  await load(page, url);
  for (let k = 0; k < demo.length; k++) {
    if (k === 1) await page.click('#next');
    else if (k === 2) await page.$eval('#slider', (s) => { s.value = '2'; s.dispatchEvent(new Event('input')); });
    else if (k > 0) await page.keyboard.press('ArrowRight');
    if (k === 2) await page.waitForFunction(() => document.body.dataset.step === '2');
    compareStep('demo', k, demo[k], await drawn(page));
  }
  expectEq('demo: the right arrow stops at the last step', demo.length - 1,
    (await page.keyboard.press('ArrowRight'), (await drawn(page)).step));
  await page.screenshot({ path: shot, fullPage: false });

  // vtop on click: the first step's first area, its first page.
  await page.keyboard.press('Home');
  const first = demo[0];
  const pte = first.changes.find((c) => c.level === 'PTE' && c.va === first.areas[0].addr);
  expectEq('demo step 1 maps a page of its first area', true, !!pte);
  if (pte) {
    await page.click('#lane .area');
    await page.waitForSelector('#pages .pg');
    await page.click(`#pages .pg[data-va="0x${pte.va.slice(2).padStart(8, '0')}"]`);
    const walk = await page.$eval('#walk', (w) => w.textContent);
    const entry = `PTE @${pte.entry}: ${BigInt(pte.new).toString(16).padStart(first.paging === 'PAE' ? 16 : 8, '0')}`;
    checks++;
    if (!walk.includes(entry)) {
      failures++;
      console.log(`FAIL  demo: the walk of a clicked page shows its PTE\n      expected to contain: ${entry}\n      actual: ${walk}`);
    }
  }
  expectEq('demo page: console errors, page errors and fetches', [], problems);

  // ---- a run whose checks fail ----
  const bad = ops(badJson);
  const badSteps = bad.map((o, k) => [o, k]).filter(([o]) => o.checks && o.checks.violations > 0);
  expectEq('the failing run has steps with violations', true, badSteps.length > 0);
  const b = await openPage(browser, badHtml);
  await load(b.page, b.url);
  for (let k = 0; k < bad.length; k++) {
    if (k > 0) await b.page.keyboard.press('ArrowRight');
    const got = await drawn(b.page);
    const o = bad[k];
    compareStep('failing run', k, o, got);
    const details = (o.checks && o.checks.details) || [];
    expectEq(`failing run step ${k + 1} (${o.op}): rules marked violated`,
      [...new Set(details.map((d) => d.rule))].sort(), got.violatedRules.slice().sort());
    expectEq(`failing run step ${k + 1} (${o.op}): violations listed`, details.length, got.violationLines);
    expectEq(`failing run step ${k + 1} (${o.op}): a violation highlighted in the range`,
      details.length > 0, got.highlighted > 0);
  }
  expectEq('failing page: console errors, page errors and fetches', [], b.problems);
} finally {
  await close();
}
console.log(`browser test: ${checks} checks, ${failures} failed; screenshot ${shot}`);
process.exit(failures ? 1 : 0);
