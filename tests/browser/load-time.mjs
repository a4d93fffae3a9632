// make bench: node load-time.mjs SMALL.html BIG.html
// The load time of two --html pages in the same headless chromium (median
// of 5 loads each, from navigation to the first step drawn), their ratio,
// and on the big page the cost of a step (arrow key) and of slider jumps.
// Prints a table; asserts nothing.
import { statSync } from 'node:fs';
import { launch, openPage, load } from './lib.mjs';

const files = process.argv.slice(2);
if (files.length !== 2) {
  console.error('usage: node load-time.mjs SMALL.html BIG.html');
  process.exit(2);
}
const RUNS = 5;
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { browser, close } = await launch();
const rows = [];
try {
  for (const f of files) {
    const times = [];
    let steps = 0, page, problems;
    for (let i = 0; i < RUNS; i++) {
      const p = await openPage(browser, f);
      times.push(await load(p.page, p.url));
      steps = await p.page.evaluate(() => Number(document.getElementById('slider').max) + 1);
      if (page) await page.close();
      page = p.page;
      problems = p.problems;
    }
    // Steps: 100 right arrows (each renders synchronously), then slider jumps.
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) await page.keyboard.press('ArrowRight');
    const perStep = (performance.now() - t0) / 100;
    const jump = await page.evaluate(async () => {
      const s = document.getElementById('slider'), out = [];
      for (const v of [Math.floor(s.max / 2), Number(s.max), 0]) {
        const t = performance.now();
        s.value = String(v);
        s.dispatchEvent(new Event('input'));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        out.push(performance.now() - t);
      }
      return Math.max(...out);
    });
    rows.push({ f, steps, bytes: statSync(f).size, load: median(times), perStep, jump, problems });
    await page.close();
  }
} finally {
  await close();
}
console.log(`${'page'.padEnd(28)} ${'operations'.padStart(10)} ${'bytes'.padStart(10)} ` +
  `${'load ms'.padStart(9)} ${'step ms'.padStart(8)} ${'jump ms'.padStart(8)}`);
for (const r of rows)
  console.log(`${r.f.padEnd(28)} ${String(r.steps).padStart(10)} ${String(r.bytes).padStart(10)} ` +
    `${r.load.toFixed(0).padStart(9)} ${r.perStep.toFixed(1).padStart(8)} ${r.jump.toFixed(0).padStart(8)}` +
    (r.problems.length ? `  (${r.problems.join('; ')})` : ''));
const [s, b] = rows;
console.log(`load time ratio: ${(b.load / s.load).toFixed(1)}x for ${(b.steps / s.steps).toFixed(0)}x the operations ` +
  `(target: under 20x for about 300x)`);
