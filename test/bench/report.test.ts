// The HTML report and the terminal table, generated from a fixed results file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readResultsFile } from '../../src/bench/results.js';
import { renderReport } from '../../src/bench/report.js';
import { resultsTable } from '../../src/bench/table.js';
import { compareResults } from '../../src/bench/compare.js';
import { fixture } from './helpers.js';

const results = readResultsFile(fixture('results-v1.json'));

test('the report is one self-contained HTML file: no scripts, styles, fonts or images fetched', () => {
  const html = renderReport(results);
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /\bsrc\s*=/i, 'nothing loaded by src=');
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|url\(/i);
  assert.doesNotMatch(html, /https?:\/\/(?!127\.0\.0\.1:8008)/, 'no network address except the recorded target');
  // the only script element is inert JSON data
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [' type="application/json" id="myelin-bench-results"']);
  const embedded = JSON.parse(html.match(/<script type="application\/json" id="myelin-bench-results">([\s\S]*?)<\/script>/)![1]!);
  assert.equal(embedded.cases.length, 4);
});

test('the report holds the machine, the numbers and a chart per case', () => {
  const html = renderReport(results);
  for (const s of ['Fixture CPU 9000', 'sse4_2 avx2', 'v20.20.2', '0123456789abcdef0123456789abcdef01234567', 'native', 'http://127.0.0.1:8008']) assert.ok(html.includes(s), s);
  // numbers from the file, formatted
  assert.ok(html.includes('2.00 µs'), 'native median at 4 KB');
  assert.ok(html.includes('20.0 µs'), 'js median at 4 KB');
  assert.ok(html.includes('2.05 GB/s'), 'native throughput');
  assert.ok(html.includes('10.0×'), 'native speedup over js');
  assert.ok(html.includes('skipped: npm package not installed'));
  assert.ok(html.includes('noise floor'));
  assert.ok(html.includes('server CPU 450 µs/req'));
  assert.ok(html.includes('server RSS 100 MiB'));
  assert.ok(html.includes('needs 64 GiB of memory'), 'skipped suites are listed with the reason');
  // charts: throughput bars for every case, a latency CDF, a growth chart for the group
  const svgs = html.match(/<svg\b[^>]*aria-label="([^"]*)"/g) ?? [];
  const labels = svgs.map((s) => s.match(/aria-label="([^"]*)"/)![1]);
  assert.ok(labels.includes('throughput of message event 4.0 KB'));
  assert.ok(labels.includes('throughput of message event 64 KB'));
  assert.ok(labels.includes('latency distribution of PUT send, sequential'));
  assert.ok(labels.includes('cost by event size (bytes) for micro-canonical-json / canonical JSON, message events'));
  // bars: native at 4 KB is a rect with its throughput as title
  assert.match(html, /<rect [^>]*><title>native: 2\.05 GB\/s<\/title><\/rect>/);
  // the growth chart has one point per arm and size
  assert.match(html, /<circle [^>]*><title>native at 65536: 32\.0 µs<\/title><\/circle>/);
  assert.match(html, /<circle [^>]*><title>js at 4096: 20\.0 µs<\/title><\/circle>/);
});

test('text from results is escaped', () => {
  const html = renderReport(results);
  assert.ok(html.includes('canonical JSON &lt;fixture&gt;'));
  assert.ok(html.includes('a note with &lt;angle&gt; &amp; ampersand'));
  const evil = { ...results, cases: [{ ...results.cases[0]!, name: '<script>alert(1)</script>' }] };
  const out = renderReport(evil);
  assert.ok(!out.includes('<script>alert(1)</script>'));
  assert.ok(out.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('with a comparison, the report shows the ratios and their chart', () => {
  const slower = JSON.parse(JSON.stringify(results));
  slower.cases[0].arms[0].medianNs = 4000; slower.cases[0].arms[0].opsPerSec = 250000;
  const html = renderReport(results, { comparison: compareResults(results, slower) });
  assert.ok(html.includes('Compared with another run'));
  assert.match(html, /aria-label="ratios against the other run"/);
  assert.ok(html.includes('2.00×'), 'native is twice as fast as in the other run');
});

test('the terminal table lists every case and arm with numbers and notes', () => {
  const t = resultsTable(results);
  assert.match(t, /machine: Fixture CPU 9000 \(sse4_2 avx2\), 2 cores, 8\.00 GiB, node v20\.20\.2, kernels: native, commit 0123456789ab/);
  assert.match(t, /micro-canonical-json \/ message event 4\.0 KB \(bytes 4096, shape message\)/);
  assert.match(t, /^  native +2\.00 µs +2\.10 µs +±5\.0% +500 k\/s +2\.05 GB\/s +10\.0×/m);
  assert.match(t, /^  canonicalize .*skipped: npm package not installed/m);
  assert.match(t, /same code: noise floor/);
  assert.match(t, /core-stateres: skipped \(needs 64 GiB of memory\)/);
  assert.match(t, /note: load generator: node:http keep-alive agent/);
});

test('the Markdown summary carries the machine, the targets and every arm', async () => {
  const { markdownSummary } = await import('../../src/bench/markdown.js');
  const md = markdownSummary(results);
  assert.match(md, /^- machine: Fixture CPU 9000; sse4_2 avx2; 2 cores; 8\.00 GiB/);
  assert.match(md, /\| native canonical JSON ≥ 5× the js path on 1–64 KB events \| met \|/);
  assert.match(md, /\| native \| 2\.00 µs \| 2\.10 µs \| ±5\.0% \| 2\.01 µs \| 2\.05 GB\/s \| 10\.0× \|/);
  assert.match(md, /\| client API \| 1\.15 ms \| 3\.83 ms \| ±13% \| server 450 µs \| 800 req\/s \| 1\.00× \|/);
  assert.match(md, /\| canonicalize \| skipped: npm package not installed \|/);
});

test('Markdown for macro arms: req/s before bytes/s, generator CPU beside the server\'s, RSS at rest', async () => {
  const { markdownSummary } = await import('../../src/bench/markdown.js');
  const r = JSON.parse(JSON.stringify(results));
  r.cases = [
    { suite: 'macro-idle', tier: 'macro', name: 'server RSS at rest', kind: 'latency', arms: [{ name: 'idle', samplesNs: [], serverRssBytes: 72 * 1024 ** 2 }] },
    { suite: 'macro-sync', tier: 'macro', name: 'incremental', kind: 'latency', arms: [{ name: '64 at once', samplesNs: [1e6], medianNs: 1e6, p99Ns: 2e6, spread: 0.1, opsPerSec: 3000, bytesPerSec: 15e6, serverCpuNsPerOp: 300e3, extra: { driverCpuNsPerOp: 80e3 } }] },
  ];
  const md = markdownSummary(r);
  assert.match(md, /\| idle — server RSS 72\.0 MiB \| – \| – \| – \|/);
  assert.match(md, /\| 64 at once \| 1\.00 ms \| 2\.00 ms \| ±5\.0% \| server 300 µs, generator 80\.0 µs \| 3\.00 k req\/s \(15\.0 MB\/s\) \|/);
});
