// `myelin bench`: list the benchmark suites, run them, write a terminal table,
// a JSON results file and a self-contained HTML report; compare two runs.
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { CliIo, Command } from '../command.js';
import { parseOptions } from '../command.js';
import { suites } from '../../bench/suites/index.js';
import { machineInfo } from '../../bench/machine.js';
import { Progress } from '../../bench/progress.js';
import { readResultsFile, type BenchResults } from '../../bench/results.js';
import { runSuites, selectSuites } from '../../bench/runner.js';
import { comparisonTable, resultsTable } from '../../bench/table.js';
import { compareResults } from '../../bench/compare.js';
import { renderReport } from '../../bench/report.js';
import { markdownSummary } from '../../bench/markdown.js';
import { parseTarget } from '../../bench/target.js';
import type { SuiteEnvironment, Target } from '../../bench/suite.js';
import { SELF_PLACEHOLDER, startSelfServer, type SelfServer } from '../../bench/self-server.js';

const usage = `myelin bench                       list the suites and whether each fits this machine
myelin bench <suite|tier|all> ...  run suites (tiers: micro, core, macro)
myelin bench report <results.json> [--compare other.json] [--html out.html] [--markdown out.md]
                                   table, HTML report (and a Markdown summary) from a results file

options:
  --quick                  small inputs and few samples (CI-sized; numbers not representative)
  --out DIR                where results go (default .): myelin-bench-<time>.json and .html
  --json FILE              results file (overrides --out)
  --html FILE              HTML report (overrides --out)
  --no-html                no HTML report
  --compare FILE           put an earlier results file side by side (ratios per case)
  --time-limit SECONDS     stop measuring after this long, keeping the results so far
  --target URL             homeserver for the macro suites (loopback only), e.g. http://127.0.0.1:8008
  --self                   macro suites against Myelin's own server, started here as a child process
                           (fresh temporary store, 127.0.0.1, free port or --self-port, open registration,
                           no rate limits); its idle RSS is measured right after start; stopped at the end
  --self-port PORT         the port for --self (default: a free one)
  --shared-secret S        Synapse-style registration shared secret of the target
  --registration-token T   registration token, if the target requires one
  --server-pid PID         the target's process, to sample its CPU time and RSS
  --note TEXT              a note kept with the results (e.g. "Synapse 1.163, SQLite")

Ctrl-C stops after the current sample and keeps what was measured (twice: quit now).
`;

function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

/** Writes through a temporary file so a reader never sees half a results file. */
function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** The command line as recorded in results, without secrets. */
export function redactArgs(argv: readonly string[]): string[] {
  const secret = new Set(['--shared-secret', '--registration-token']);
  return argv.map((a, i) => {
    const eq = a.indexOf('=');
    if (eq > 0 && secret.has(a.slice(0, eq))) return `${a.slice(0, eq)}=***`;
    return i > 0 && secret.has(argv[i - 1]!) ? '***' : a;
  });
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function listSuites(io: CliIo, env: SuiteEnvironment): number {
  io.stdout.write('suites (myelin bench <name|micro|core|macro|all>):\n');
  const width = Math.max(...suites.map((s) => s.name.length), 4);
  for (const s of suites) {
    let fit: true | string;
    try { fit = s.fits(env); } catch (err) { fit = String(err); }
    io.stdout.write(`  ${s.name.padEnd(width)}  ${s.tier.padEnd(5)}  ${s.description}${fit === true ? '' : `  [skipped here: ${fit}]`}\n`);
  }
  if (suites.length === 0) io.stdout.write('  (none registered)\n');
  return 0;
}

function report(args: ReturnType<typeof parseOptions>, io: CliIo): number {
  const file = args._[1];
  if (!file) { io.stderr.write('usage: myelin bench report <results.json> [--compare other.json] [--html out.html]\n'); return 2; }
  const results = readResultsFile(file);
  const otherFile = str(args.compare);
  const comparison = otherFile ? compareResults(results, readResultsFile(otherFile)) : undefined;
  io.stdout.write(resultsTable(results));
  if (comparison) io.stdout.write('\n' + comparisonTable(comparison));
  const html = str(args.html) ?? file.replace(/\.json$/i, '') + '.html';
  writeAtomic(html, renderReport(results, comparison ? { comparison } : {}));
  io.stdout.write(`report: ${html}\n`);
  const md = str(args.markdown);
  if (md) { writeAtomic(md, markdownSummary(results)); io.stdout.write(`summary: ${md}\n`); }
  return 0;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the benchmark suites (micro, core, macro) and write a report',
  usage,
  async run(argv, io) {
    const args = parseOptions(argv, ['quick', 'no-html', 'self']);
    if (args._[0] === 'report') return report(args, io);
    const secret = str(args['shared-secret']);
    const token = str(args['registration-token']);
    const pid = str(args['server-pid']);
    const targetUrl = str(args.target);
    const self = args.self === true;
    if (self && (targetUrl || secret || token || pid)) throw new Error('--self starts its own server: it takes no --target, --shared-secret, --registration-token or --server-pid');
    if (!self && args['self-port'] !== undefined) throw new Error('--self-port goes with --self');
    if (!targetUrl && (secret || token || pid)) throw new Error('--shared-secret, --registration-token and --server-pid need --target URL');
    let target: Target | undefined = targetUrl
      ? parseTarget(targetUrl, { ...(secret ? { sharedSecret: secret } : {}), ...(token ? { registrationToken: token } : {}), ...(pid ? { serverPid: pid } : {}) })
      : self ? SELF_PLACEHOLDER : undefined;
    let selfPort: number | undefined;
    if (args['self-port'] !== undefined) {
      selfPort = Number(args['self-port']);
      if (!Number.isInteger(selfPort) || selfPort <= 0 || selfPort > 65535) throw new Error(`--self-port must be a port number, got "${String(args['self-port'])}"`);
    }
    const quick = args.quick === true;
    const machine = machineInfo();
    const env: SuiteEnvironment = { machine, quick, ...(target ? { target } : {}) };
    if (args._.length === 0) return listSuites(io, env);

    const selection = selectSuites(suites, args._, env);
    const started = new Date();
    const out = str(args.out) ?? '.';
    const jsonFile = str(args.json) ?? path.join(out, `myelin-bench-${stamp(started)}.json`);
    const htmlFile = args['no-html'] === true ? undefined : str(args.html) ?? jsonFile.replace(/\.json$/i, '') + '.html';
    const otherFile = str(args.compare);
    const other: BenchResults | undefined = otherFile ? readResultsFile(otherFile) : undefined; // fail early on a bad file
    let timeLimitMs: number | undefined;
    if (args['time-limit'] !== undefined) {
      timeLimitMs = Number(args['time-limit']) * 1000;
      if (!(timeLimitMs > 0)) throw new Error(`--time-limit must be a number of seconds, got "${String(args['time-limit'])}"`);
    }

    const controller = new AbortController();
    const progress = new Progress(io.stderr as NodeJS.WriteStream);
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      progress.log('stopping after the current sample; results so far are kept (Ctrl-C again to quit now)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    const timer = timeLimitMs ? setTimeout(() => { progress.log(`time limit of ${timeLimitMs! / 1000}s reached: stopping`); controller.abort(); }, timeLimitMs) : undefined;
    timer?.unref();
    for (const { suite, reason } of selection.skipped) progress.log(`skipping ${suite.name}: ${reason}`);

    const notes = str(args.note) ? [str(args.note)!] : [];
    let server: SelfServer | undefined;
    let results: BenchResults;
    try {
      if (self && selection.run.some((s) => s.tier === 'macro')) {
        progress.log('starting Myelin (--self) ...');
        server = await startSelfServer({ ...(selfPort ? { port: selfPort } : {}), startTimeoutMs: quick ? 30_000 : 60_000, settleMs: quick ? 200 : 1000 });
        target = { ...server.target, ...(server.idleRssBytes !== undefined ? { idleRssBytes: server.idleRssBytes } : {}) };
        const line = `--self: Myelin started as a child process (pid ${server.target.serverPid}, ${server.target.url}, fresh store, answering after ${Math.round(server.startMs)} ms; idle RSS ${server.idleRssBytes !== undefined ? `${(server.idleRssBytes / 1024 ** 2).toFixed(1)} MiB` : 'unknown'})`;
        progress.log(line);
        notes.push(line);
      } else if (self) target = undefined;
      results = await runSuites({
        selection,
        asked: redactArgs(argv),
        machine,
        ...(target ? { target } : {}),
        quick,
        notes,
        signal: controller.signal,
        progress,
        onUpdate: (partial) => writeAtomic(jsonFile, JSON.stringify(partial, null, 1)),
      });
    } finally {
      process.off('SIGINT', onSigint);
      if (timer) clearTimeout(timer);
      if (server) {
        const how = await server.stop();
        if (how.killed) progress.log('--self: the server did not stop on SIGTERM in time and was killed');
      }
    }
    writeAtomic(jsonFile, JSON.stringify(results, null, 1));
    io.stdout.write(resultsTable(results));
    const comparison = other ? compareResults(results, other) : undefined;
    if (comparison) io.stdout.write('\n' + comparisonTable(comparison));
    if (htmlFile) writeAtomic(htmlFile, renderReport(results, comparison ? { comparison } : {}));
    io.stdout.write(`results: ${jsonFile}${htmlFile ? `\nreport:  ${htmlFile}` : ''}\n`);
    return interrupts > 0 ? 130 : 0;
  },
};
