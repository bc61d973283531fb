// `myelin debug ...`: protocol tools on single inputs and on room fixture files.
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';
import { runFixtures } from '../debug/fixtures.js';
import { runCheckAuth } from '../debug/check-auth.js';
import { runEventId, runRedact } from '../debug/event-tools.js';
import { runResolveState } from '../debug/resolve-state.js';
import { UsageError, type Options } from '../debug/input.js';
import type { CliIo } from '../command.js';

const usage = `myelin debug <tool> [options]

  fixtures FILE...            run every section (state_resolution, auth, redaction,
                              reference_hash) of room fixture files; prints
                              "passed N failed M" per section, exits 1 on any mismatch
  resolve-state [FILE|-]      {"room_version","events","state_sets"} (or a fixture
                              with --case N) -> the resolved state, one
                              ["type","state_key","event_id"] per line
  check-auth [FILE|-]         {"room_version","event","auth_events"?,"state"?} (or a
                              fixture with --case N) -> allow (exit 0) or
                              reject: reason (exit 1)
  redact [FILE|-]             one event -> its redacted canonical JSON
  event-id [FILE|-]           one event -> event id, reference hash, content hash check
                              (and the room id of a v12 create event)

options:
  --room-version N            for redact and event-id (others read room_version)
  --accel native|wasm|js|auto kernel path (default: MYELIN_ACCEL or auto)
  --verbose                   fixtures: list every failure
`;

const tools: Record<string, (opts: Options, io: CliIo) => Promise<number>> = {
  fixtures: runFixtures,
  'resolve-state': runResolveState,
  'check-auth': runCheckAuth,
  redact: runRedact,
  'event-id': runEventId,
};

export const debugCommand: Command = {
  name: 'debug',
  summary: 'protocol tools: room fixtures, state resolution, auth checks, redaction, event ids',
  usage,
  async run(args, io) {
    const [tool, ...rest] = args;
    const run = tool === undefined ? undefined : tools[tool];
    if (run === undefined) {
      io.stderr.write(tool === undefined ? usage : `myelin debug: unknown tool "${tool}"\n\n${usage}`);
      return 2;
    }
    try {
      return await run(parseOptions(rest, ['verbose']), io);
    } catch (err) {
      if (err instanceof UsageError) {
        io.stderr.write(`myelin debug ${tool}: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};
