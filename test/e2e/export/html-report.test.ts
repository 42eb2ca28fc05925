// `export --format html` opened in a real browser: Debian's Chromium (/usr/bin/chromium, `.ci/run` installs it)
// driven by playwright-core, never a downloaded browser. One browser for the file; each fixture's report is
// exported by the real CLI (bin/runbook.js → dist/: build first), then opened from disk with every request
// that is not file: or data: refused and recorded. Screenshots at 1280×800 and 390×844 go to
// test-artifacts/html-report/ (gitignored) for a person to look at.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/runbook.js');
const FIX = join(ROOT, 'test/fixtures/timelines');
const ARTIFACTS = join(ROOT, 'test-artifacts/html-report');
const CHROMIUM = process.env.RUNBOOK_CHROMIUM ?? '/usr/bin/chromium';
const FIXTURES = ['disk-full-completed', 'api-5xx-failed', 'interrupted-torn', 'fleet-multi-host', 'hostile'] as const;
type Fixture = (typeof FIXTURES)[number];

// The light theme's colours of each result (src/report/export-html-style.ts), as the browser computes them.
const COLOUR = {
  ok: 'rgb(46, 157, 79)',
  failed: 'rgb(209, 53, 59)',
  'timed out': 'rgb(217, 130, 0)',
  interrupted: 'rgb(138, 92, 245)',
  skipped: 'rgb(154, 160, 166)',
  unfinished: 'rgb(47, 111, 214)',
} as const;

let browser: Browser;
let dir: string;
const html = {} as Record<Fixture, string>;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'runbook-html-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = { ...process.env, NO_COLOR: '1', RUNBOOK_CONFIG: join(dir, 'no-config.json') };
  const [b] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] }),
    ...FIXTURES.map(async (f) => {
      html[f] = join(dir, `${f}.html`);
      // The torn timeline's warnings name its path: a checkout in a folder with a long name (CI's) made the page
      // scroll sideways on a phone.
      const deep = join(dir, `checkout-${'0123456789abcdef'.repeat(4)}`);
      mkdirSync(deep, { recursive: true });
      const from = f === 'interrupted-torn' ? join(deep, `${f}.jsonl`) : join(FIX, `${f}.jsonl`);
      if (f === 'interrupted-torn') copyFileSync(join(FIX, `${f}.jsonl`), from);
      await promisify(execFile)(process.execPath, [BIN, 'export', from, '--format', 'html', '-o', html[f]], { env, timeout: 90_000 });
    }),
  ]);
  browser = b;
  await setUpPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

let page: Page;
let current: Opened;

/** One page for the file (a new page costs more than the checks): each report is opened in it in turn. */
async function setUpPage(): Promise<void> {
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  // A missing element fails its check before the test's own timeout; loads get longer (a loaded machine).
  page.setDefaultTimeout(20_000);
  page.setDefaultNavigationTimeout(60_000);
  page.on('console', (m) => {
    if (m.type() === 'error') current.errors.push(m.text());
  });
  page.on('pageerror', (e) => current.errors.push(e.message));
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) current.requests.push(r.url());
  });
  await page.route('**', (route) => (/^(file|data|blob):/.test(route.request().url()) ? route.continue() : route.abort()));
}

/** The report, opened at 1280×800; console errors, page errors and non-local requests are collected. */
async function open(f: Fixture): Promise<Opened> {
  current = { page, errors: [], requests: [] };
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`file://${html[f]}`);
  return current;
}

/** Both screenshots: the desktop view as opened, then the phone width. */
async function screenshots(page: Page, f: Fixture): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${f}-1280x800.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(ARTIFACTS, `${f}-390x844.png`) });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'the page itself never scrolls sideways on a phone (only the chart does)').toBeLessThanOrEqual(0);
}

/** The text of SVG elements (innerText is for HTML), without their <title> tooltips. */
const svgTexts = (page: Page, sel: string) => page.$$eval(sel, (els) => els.map((e) => e.firstChild?.textContent ?? ''));

const marks = (page: Page, sel = 'svg.chart rect.cmd') =>
  page.$$eval(sel, (els) => els.map((e) => ({ id: e.getAttribute('data-id'), host: e.getAttribute('data-host'), result: e.getAttribute('data-result'), fill: getComputedStyle(e).fill })));

// Generous per-test limits: a page load is ~0.3 s idle, but 2 cores shared by many processes stretch it tenfold.
describe('export --format html in Chromium', { timeout: 150_000 }, () => {
  it('a completed run: facts, a bar per step, a mark per command in its colour, milestones, output, the player', async () => {
    const { errors, requests } = await open('disk-full-completed');
    expect(await page.title()).toBe('Disk almost full — 20261128-030000-disk-full');
    const facts = await page.locator('dl.facts').innerText();
    for (const s of ['completed', 'web-1', 'alice, bob, carol', '6m 12s', '5m 04s from detection', '2026-11-28 03:00:00 UTC']) expect(facts).toContain(s);
    expect(await page.locator('[data-verify="no chain"]').count(), 'a timeline written before the chain says so').toBe(1);

    expect(await page.$$eval('svg.chart rect.step-bar', (els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['1', '2', '3', '4']);
    const got = await marks(page);
    expect(got.map((m) => [m.id, m.result])).toEqual([
      ['1.1', 'ok'],
      ['2.1', 'failed'],
      ['2.1', 'ok'],
      ['3.1', 'skipped'],
      ['4.1', 'timed out'],
      ['4.2', 'ok'],
      ['4.3', 'failed'],
    ]);
    for (const m of got) expect(m.fill, `${m.id} ${m.result}`).toBe(COLOUR[m.result as keyof typeof COLOUR]);
    expect(await svgTexts(page, 'svg.chart .milestone text')).toEqual(['detected', 'mitigated', 'resolved']);
    // The 5-minute wait between 2.1's attempts is drawn compressed, labelled with its length.
    expect(await svgTexts(page, 'svg.chart .gap text')).toEqual(['5m 00s idle']);
    expect(await page.locator('svg.chart circle.note').count()).toBe(1);
    expect(await page.locator('svg.chart circle.note title').textContent()).toContain('host [redacted] is the noisy one');

    // Output is collapsed, opens on a click, and says how much the writer left out.
    const first = page.locator('details.output').first();
    expect(await first.locator('pre').isVisible()).toBe(false);
    await first.locator('summary').click();
    expect(await first.locator('pre').innerText()).toContain('/dev/sda1        50G   48G');
    expect(await page.locator('.run[data-id="4.2"] details.output summary').innerText()).toContain('1.0 MiB not recorded');
    expect(await page.locator('.run[data-id="2.1"] .tag.edited').count()).toBe(2);
    expect(await page.locator('#step-1 ul.checks').innerText()).toBe('☑ Usage is above 90%');

    // The player plays from the start and shows the first command's output.
    await page.locator('#player .ap-player').click();
    await page.waitForFunction(() => document.querySelector('#player')?.textContent?.includes('/dev/sda1'), null, { timeout: 15_000 });
    await screenshots(page, 'disk-full-completed');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('a failed run: its results, the marks recorded afterwards before the start, the runbook\'s links', async () => {
    const failed = await open('api-5xx-failed');
    expect(await failed.page.locator('dl.facts').innerText()).toContain('failed');
    expect((await marks(failed.page)).map((m) => [m.id, m.result])).toEqual([
      ['1.1', 'ok'],
      ['2.1', 'failed'],
      ['2.1', 'failed'],
    ]);
    // impact and detected were recorded afterwards: their lines sit before the run's start.
    expect(await svgTexts(failed.page, 'svg.chart .milestone text')).toEqual(['impact', 'detected']);
    expect(await failed.page.locator('#steps > .prose a').getAttribute('href')).toBe('https://grafana.example/d/api');
    await screenshots(failed.page, 'api-5xx-failed');
    expect(failed.errors).toEqual([]);
    expect(failed.requests).toEqual([]);
  });

  it('a torn, interrupted run: the page says so and colours the interrupted command', async () => {
    const torn = await open('interrupted-torn');
    expect(await torn.page.locator('.warn').innerText()).toMatch(/Incomplete timeline.*jsonl:7: damaged line.*jsonl:13: the last line is incomplete.*interrupted/s);
    expect((await marks(torn.page)).map((m) => m.result)).toContain('interrupted');
    for (const m of await marks(torn.page)) expect(m.fill).toBe(COLOUR[m.result as keyof typeof COLOUR]);
    await screenshots(torn.page, 'interrupted-torn');
    expect(torn.errors).toEqual([]);
    expect(torn.requests).toEqual([]);
  });

  it('a multi-host run: a sub-row per host with its result, the command shown by its worst host', async () => {
    const fleet = await open('fleet-multi-host');
    expect(await svgTexts(fleet.page, 'svg.chart .host-label')).toEqual(['↳ web-1', '↳ web-2', '↳ web-3']);
    const hostMarks = await marks(fleet.page, 'svg.chart rect.host-cmd');
    expect(hostMarks.map((m) => [m.host, m.result])).toEqual([
      ['web-1', 'ok'],
      ['web-2', 'failed'],
      ['web-3', 'timed out'],
    ]);
    for (const m of hostMarks) expect(m.fill).toBe(COLOUR[m.result as keyof typeof COLOUR]);
    // The command's own mark shows its worst host.
    expect((await marks(fleet.page)).map((m) => [m.id, m.result])).toEqual([
      ['1.1', 'failed'],
      ['2.1', 'ok'],
    ]);
    expect(await fleet.page.locator('.run[data-id="1.1"] details.output summary').allInnerTexts()).toEqual(['Output on web-1 (1 line)', 'Output on web-2 (1 line)']);
    expect(await fleet.page.locator('dl.facts').innerText()).toContain('bastion-1, web-1, web-2, web-3');
    await screenshots(fleet.page, 'fleet-multi-host');

    expect(fleet.errors).toEqual([]);
    expect(fleet.requests).toEqual([]);
  });

  it('a hostile timeline: nothing in it runs, loads or breaks the page', async () => {
    const { errors, requests } = await open('hostile');
    const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
    expect(await pwned()).toBeUndefined();
    // Only the page's own three scripts (the recording's data, the player, the page's), no handlers, no frames.
    expect(await page.locator('script').count()).toBe(3);
    expect(await page.locator('iframe, img, svg[onload], [onerror], [onload]').count()).toBe(0);
    expect(await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')).filter((h) => !/^(https?:|mailto:|#)/i.test(h ?? '')))).toEqual([]);
    // The texts are there, as text.
    expect(await page.locator('h1').innerText()).toBe('Hostile <script>window.__pwned=1</script> runbook');
    expect(await page.locator('#step-2 h3').innerText()).toBe('2. Output </title></text><script>window.__pwned=1</script>');
    expect(await page.locator('.note-item .text').innerText()).toContain('</script><!-- [x](javascript:window.__pwned=1) ␛[31m');
    expect(await svgTexts(page, 'svg.chart .host-label')).toEqual(['↳ <script>window.__pwned=1</s…', '↳ web-2']);
    for (const d of await page.locator('details.output summary').all()) await d.click();
    const out = await page.locator('.run[data-id="2.1"] details.output pre').innerText();
    expect(out).toContain('</pre></details><script>window.__pwned=1</script>');
    // Escape sequences are gone from the page's output (no ESC, no C1 CSI); what they coloured stays.
    expect(out).toContain('bold');
    expect(out).not.toMatch(/[\u001b\u009b]/);
    expect(await page.locator('.run[data-id="1.1"] details.output pre').innerText()).not.toContain('owned title');
    // The recording drawn up to the hostile output (a seek: no need to wait for it to play).
    await page.evaluate(() => (window as unknown as { runbookReport: { player: { seek(t: number): Promise<void> } } }).runbookReport.player.seek(3.3));
    await page.waitForFunction(() => document.querySelector('#player')?.textContent?.includes('C1'), null, { timeout: 15_000 });
    expect(await page.title()).toBe('Hostile <script>window.__pwned=1</script> runbook — x"><script>window.__pwned=1</script>');
    await screenshots(page, 'hostile');
    expect(await pwned()).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
