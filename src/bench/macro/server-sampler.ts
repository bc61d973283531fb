// CPU time and RSS of the server process (given by --server-pid), sampled from
// /proc alongside the wall time of a macro case. Linux only; elsewhere the
// sampler reports nothing rather than guessing.
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux port Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcSample {
  readonly cpuNs: number;
  readonly rssBytes: number;
}

/** Parses /proc/<pid>/stat (utime, stime) and /proc/<pid>/status (VmRSS). */
export function parseProcStat(stat: string, status: string): ProcSample {
  // the command name (field 2) may hold spaces and parentheses: fields start after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('unexpected /proc/<pid>/stat format');
  return { cpuNs: ((utime + stime) * 1e9) / CLOCK_TICKS_PER_SECOND, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Samples a process while a case runs: CPU used over the case, peak RSS seen. */
export class ServerSampler {
  private start: ProcSample | undefined;
  private peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pid: number | undefined, private readonly intervalMs = 100) {}

  begin(): void {
    if (this.pid === undefined) return;
    this.start = sampleProcess(this.pid);
    this.peakRss = this.start?.rssBytes ?? 0;
    this.timer = setInterval(() => {
      const s = sampleProcess(this.pid!);
      if (s && s.rssBytes > this.peakRss) this.peakRss = s.rssBytes;
    }, this.intervalMs);
    this.timer.unref();
  }

  /** CPU time used by the server since begin() and its peak RSS; undefined without a PID. */
  end(): { serverCpuNs: number; serverRssBytes: number } | undefined {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.pid === undefined || !this.start) return undefined;
    const s = sampleProcess(this.pid);
    if (!s) return undefined;
    return { serverCpuNs: s.cpuNs - this.start.cpuNs, serverRssBytes: Math.max(this.peakRss, s.rssBytes) };
  }
}
