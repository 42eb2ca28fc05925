// `export --format html` for bench/run.js (issue 17): export of a 10,000-event timeline (≤ 1 s), the page's
// render in Chromium (≤ 2 s: navigation until two animation frames after load, player set up included), and
// the page made from a 1,000,000-event timeline (< 20 MB: output is capped per command).
// Chromium is Debian's /usr/bin/chromium (RUNBOOK_CHROMIUM to override), driven by playwright-core.
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { check, fmtMs, median } from './lib.js';

const CHROMIUM = process.env.RUNBOOK_CHROMIUM ?? '/usr/bin/chromium';

/** The measurement for run.js's list. ctx: { ROOT, NODE, work, runbook, interleave, record, log, RUNS, BIG_RUNS }. */
export function htmlMeasurement(ctx) {
  return {
    key: 'export-html',
    async run() {
      const { ROOT, NODE, work, runbook, interleave, record, log, RUNS } = ctx;
      const generate = (n, file) => {
        const fd = openSync(file, 'w');
        const g = spawnSync(NODE, [join(ROOT, 'test', 'e2e', 'replay', 'generate-timeline.mjs'), String(n)], { stdio: ['ignore', fd, 'inherit'] });
        closeSync(fd);
        if (g.status !== 0) throw new Error('generate-timeline.mjs failed');
      };
      log('export --format html: 10,000 events (time), the page in Chromium (render), 1,000,000 events (size)');
      const small = join(work, 'html-10k.jsonl');
      const page10k = join(work, 'html-10k.html');
      generate(10_000, small);
      const exp = (opts = {}) => runbook(['export', small, '--format', 'html', '-o', page10k], opts);
      check('export html', await exp());
      // CPU time too (bash `times`): on a loaded machine the wall time says more about the neighbours.
      const [a, c] = await interleave([exp, () => exp({ cpu: true })], { runs: RUNS, label: 'export html 10k' });
      a.concat(c).forEach((x) => check('export html', x));
      const t = median(a.map((r) => r.ms));
      const cpu = median(c.map((r) => r.cpuMs));
      record({
        key: 'export-html-10k',
        name: '`export --format html` of a 10,000-event timeline',
        value: fmtMs(t),
        baseline: '—',
        ratio: `${(statSync(page10k).size / 1024).toFixed(0)} KiB page`,
        target: '≤ 1 s',
        pass: t <= 1000,
        runs: RUNS,
        cpu: `${fmtMs(cpu)} CPU`,
        raw: { measured_ms: t, measured_all: a.map((r) => r.ms), cpu_ms: c.map((r) => r.cpuMs), page_bytes: statSync(page10k).size },
      });

      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium): no render figure`);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const renders = [];
        for (let i = 0; i < RUNS + 1; i++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          const errors = [];
          page.on('pageerror', (e) => errors.push(e.message));
          const t0 = performance.now();
          await page.goto(`file://${page10k}`, { waitUntil: 'load' });
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          const ms = performance.now() - t0;
          if (errors.length) throw new Error(`the 10,000-event page has errors: ${errors.join('; ')}`);
          if (i > 0) renders.push(ms); // the first is the warm-up
          await page.close();
        }
        const r = median(renders);
        record({
          key: 'export-html-render',
          name: 'HTML report of 10,000 events rendered in Chromium',
          value: fmtMs(r),
          baseline: '—',
          ratio: '—',
          target: '≤ 2 s',
          pass: r <= 2000,
          runs: RUNS,
          raw: { measured_ms: r, measured_all: renders },
        });
      } finally {
        await browser.close();
      }

      const big = join(work, 'html-1m.jsonl');
      const page1m = join(work, 'html-1m.html');
      generate(1_000_000, big);
      const r1m = check('export html 1M', await runbook(['export', big, '--format', 'html', '-o', page1m], { rss: true }));
      const size = statSync(page1m).size;
      record({
        key: 'export-html-1m',
        name: '`export --format html` of a 1,000,000-event timeline: page size',
        value: `${(size / 2 ** 20).toFixed(1)} MB`,
        baseline: '—',
        ratio: `${fmtMs(r1m.ms)} to write`,
        target: '< 20 MB',
        pass: size < 20 * 2 ** 20,
        runs: 1,
        rss: r1m.rssKb === null ? 'n/a' : `${(r1m.rssKb / 1024).toFixed(0)} MB`,
        raw: { page_bytes: size, export_ms: r1m.ms, peak_rss_kb: r1m.rssKb },
      });
      rmSync(big, { force: true });
      rmSync(page1m, { force: true });
    },
  };
}
