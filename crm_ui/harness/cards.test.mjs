// Renders both coach cards in headless Chromium for deals at three stages (payloads a real
// sandbox sync wrote, crm_ui/fixtures) and fails on any console error, page error, failed
// request or missing section.  With NA_SCREENSHOTS=DIR it saves a PNG per card and stage.
//   node harness/build.mjs && node --test harness/
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STAGES = ['prospecting', 'discovery', 'negotiation'];
const SECTIONS = ['header', 'verdict', 'advance', 'checklist', 'plan', 'momentum', 'feedback'];
const CODES = /learned_negative|seller_action|unrealistic_for_stage|\b[a-z]+_[a-z_]+_id\b|"v":/;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css' };
const shots = process.env.NA_SCREENSHOTS ? join(root, process.env.NA_SCREENSHOTS) : null;

let server;
let browser;
let base;

before(async () => {
  assert.ok(existsSync(join(root, '.build', 'salesforce.js')), 'run node harness/build.mjs first');
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
  if (shots) {
    mkdirSync(shots, { recursive: true });
  }
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

async function open(card, stage, feedback) {
  const page = await browser.newPage();
  await page.setViewport({ width: 484, height: 900, deviceScaleFactor: 1 });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'assert') {
      problems.push(`console.${m.type()}: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) {
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  const q = new URLSearchParams({ card, fixture: stage, ...(feedback ? { feedback } : {}) });
  await page.goto(`${base}/harness/index.html?${q}`, { waitUntil: 'load' });
  // sections live in the LWC's shadow root, which selectors and mutation observers miss: poll
  try {
    await page.waitForFunction(
      () => {
        const host = document.querySelector('c-na-coach-card');
        const scope = host ? host.shadowRoot : document;
        return scope && scope.querySelector('[data-section="feedback"], [data-testid="section-feedback"]');
      },
      { timeout: 10_000, polling: 50 },
    );
  } catch (e) {
    const html = await page.evaluate(() => {
      const host = document.querySelector('c-na-coach-card');
      return (host && host.shadowRoot ? host.shadowRoot.innerHTML : document.body.innerHTML).slice(0, 600);
    });
    throw new Error(`${card}/${stage} did not render: ${problems.join('; ') || html}`);
  }
  return { page, problems };
}

async function sections(page) {
  return page.evaluate(() => {
    const host = document.querySelector('c-na-coach-card');
    const scope = host ? host.shadowRoot : document;
    const out = {};
    scope.querySelectorAll('[data-section], [data-testid^="section-"]').forEach((el) => {
      const name = el.dataset.section || el.dataset.testid.replace('section-', '');
      out[name] = el.innerText.replace(/\s+/g, ' ').trim();
    });
    return out;
  });
}

for (const card of ['salesforce', 'hubspot']) {
  describe(`${card} card in Chromium`, () => {
    for (const stage of STAGES) {
      it(`renders a ${stage} deal with every section, names and no errors`, async () => {
        const payload = JSON.parse(readFileSync(join(root, 'fixtures', `${stage}.json`), 'utf8'));
        const { page, problems } = await open(card, stage);
        const found = await sections(page);
        for (const name of SECTIONS) {
          assert.ok(found[name], `${card}/${stage}: section ${name} missing or empty`);
        }
        assert.match(found.header, new RegExp(payload.stage.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')));
        assert.ok(found.verdict.includes(payload.verdict.label), found.verdict);
        for (const o of payload.objectives) {
          assert.ok(found.checklist.includes(o.title), `objective ${o.title} not shown`);
        }
        if (payload.advance.stretch) {
          assert.ok(found.advance.includes(payload.advance.stretch));
        }
        assert.doesNotMatch(Object.values(found).join(' '), CODES);
        if (shots) {
          const frame = await page.$('#frame');
          await frame.screenshot({ path: join(shots, `crm-card-${card}-${stage}.png`) });
        }
        assert.deepEqual(problems, []);
        await page.close();
      });
    }

    it('records the rep’s feedback where the CRM would save it', async () => {
      const { page, problems } = await open(card, 'discovery', 'no');
      if (card === 'salesforce') {
        const labels = await page.evaluate(() =>
          [...document.querySelector('c-na-coach-card').shadowRoot.querySelectorAll('[data-section="feedback"] lightning-button')].map(
            (b) => b.shadowRoot.querySelector('button').textContent,
          ),
        );
        assert.deepEqual(labels, ['Yes', 'No', 'Done']);
        const done = await page.evaluateHandle(
          () =>
            document
              .querySelector('c-na-coach-card')
              .shadowRoot.querySelectorAll('[data-section="feedback"] lightning-button')[2]
              .shadowRoot.querySelector('button'),
        );
        await done.asElement().click(); // a real mouse click at the button's position
        await page.waitForFunction(() => (window.__NA_UPDATES__ || []).length === 1);
        const updates = await page.evaluate(() => window.__NA_UPDATES__);
        assert.deepEqual(updates, [{ Id: '006HARNESS0000001', NA_Feedback__c: 'done' }]);
        await page.waitForFunction(() => {
          const root = document.querySelector('c-na-coach-card').shadowRoot;
          const b = [...root.querySelectorAll('[data-section="feedback"] lightning-button')];
          return b.map((x) => x.variant).join() === 'neutral,neutral,brand';
        });
      } else {
        assert.equal(await page.$eval('select[name="na_feedback"]', (s) => s.value), 'no');
        await page.select('select[name="na_feedback"]', 'yes');
        const updates = await page.evaluate(() => window.__NA_UPDATES__);
        assert.deepEqual(updates, [{ na_feedback: 'yes' }]);
      }
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}
