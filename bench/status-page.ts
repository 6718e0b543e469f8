/**
 * The status page's size and render time for 100, 1,000 and 10,000 mailboxes: server-side render
 * (median of 5), bytes (raw and gzip), and Chromium's time from navigation to load and to first
 * contentful paint, served over local HTTP. Baseline in the same run: a bare table of the same
 * mailboxes (id, address, status, code; no style, strip or remedy), the least such a page can be.
 *
 *   npm run bench -- status-page
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { esc, renderStatusPage } from '../shared/status/status-page';
import { pageFleet } from '../test/status/page-fleet';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function baseline(fleet: ReturnType<typeof pageFleet>): string {
  const rows = fleet.rows.map((r) => `<tr><td>${esc(r.mailbox)}<td>${esc(r.address)}<td>${r.status}<td>${esc(r.code)}`).join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>baseline</title><table>${rows}</table></html>`;
}

async function main(): Promise<void> {
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(pages.get(req.url ?? '') ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  console.log('mailboxes | page KB | gzip KB | server render ms | browser load ms | first paint ms | baseline KB | baseline load ms | load ratio');
  try {
    for (const count of [100, 1000, 10000]) {
      const fleet = pageFleet(count);
      const times: number[] = [];
      let html = '';
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        html = renderStatusPage(fleet.mailboxes, fleet.rows);
        times.push(performance.now() - t);
      }
      pages.set(`/page${count}`, html);
      const bare = baseline(fleet);
      pages.set(`/base${count}`, bare);
      const load = async (path: string) => {
        const results: { load: number; paint: number }[] = [];
        for (let i = 0; i < 5; i++) {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(`${base}${path}`, { waitUntil: 'load' });
          results.push(
            (await page.evaluate(`(() => {
              const nav = performance.getEntriesByType('navigation')[0];
              const paint = performance.getEntriesByName('first-contentful-paint')[0];
              return { load: nav.loadEventEnd - nav.startTime, paint: paint ? paint.startTime : NaN };
            })()`)) as { load: number; paint: number },
          );
          await page.close();
        }
        return { load: median(results.map((r) => r.load)), paint: median(results.map((r) => r.paint)) };
      };
      const page = await load(`/page${count}`);
      const bareLoad = await load(`/base${count}`);
      const kb = (text: string) => (Buffer.byteLength(text) / 1024).toFixed(0);
      console.log(
        [count, kb(html), (gzipSync(html).length / 1024).toFixed(0), median(times).toFixed(0), page.load.toFixed(0), page.paint.toFixed(0), kb(bare), bareLoad.load.toFixed(0), (page.load / bareLoad.load).toFixed(1)].join(' | '),
      );
    }
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
