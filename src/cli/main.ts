// `myelin <command> ...`: dispatch to the registered commands.
import type { CliIo } from './command.js';
import { commands } from './commands/index.js';
import { beginLeanBoot, endLeanBoot } from './lean-boot.js';

export async function main(argv: string[], io: CliIo = process): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const entry = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    if (entry) {
      const { usage } = await entry.load();
      io.stdout.write(usage.endsWith('\n') ? usage : usage + '\n');
      return 0;
    }
    io.stdout.write('usage: myelin <command> [options]\n\ncommands:\n');
    for (const c of commands) io.stdout.write(`  ${c.name.padEnd(10)} ${c.summary}\n`);
    io.stdout.write('\n`myelin help <command>` for details.\n');
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`myelin: unknown command "${name}" (try \`myelin help\`)\n`);
    return 2;
  }
  // The command ends lean start-up once it is ready (start: when listening); at the latest here.
  if (entry.leanStart) beginLeanBoot();
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(`myelin ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    endLeanBoot();
  }
}
