// A CLI command: declared once, listed by `myelin help`, run by main.
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface Command {
  /** first word(s) after `myelin`, e.g. "doctor" or "json" */
  readonly name: string;
  readonly summary: string;
  /** full usage text for `myelin help <name>` */
  readonly usage: string;
  /** returns the exit code */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Reads all of stdin as bytes. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return new Uint8Array(Buffer.concat(chunks));
}

/** Parses `--name value` and `--flag` options; positional args are returned in `_`. */
export function parseOptions(args: string[], flags: readonly string[] = []): { _: string[]; [k: string]: string | boolean | string[] } {
  const out: { _: string[]; [k: string]: string | boolean | string[] } = { _: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) { out[a.slice(2, eq)] = a.slice(eq + 1); continue; }
      const name = a.slice(2);
      if (flags.includes(name) || i + 1 >= args.length || args[i + 1]!.startsWith('--')) out[name] = true;
      else out[name] = args[++i]!;
    } else out._.push(a);
  }
  return out;
}
