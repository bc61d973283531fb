// Every benchmark suite, registered in one list. `myelin bench` lists them,
// `myelin bench <name|tier...>` runs them, `myelin bench all` runs every one
// whose fits() says yes. To add a suite: one import, one entry (keep the list
// ordered micro, core, macro). See ../suite.ts for the interface.
import type { Suite } from '../suite.js';
import { macroIdleSuite } from './macro-idle.js';
import { macroJoinSuite } from './macro-join.js';
import { macroMessagesSuite } from './macro-messages.js';
import { macroRomeoJulietSuite } from './macro-romeo-juliet.js';
import { macroSendSuite } from './macro-send.js';
import { macroSyncSuite } from './macro-sync.js';
import { macroVersionsSuite } from './macro-versions.js';
import { microBase64Suite } from './micro-base64.js';
import { microCanonicalJsonSuite } from './micro-canonical-json.js';
import { microEd25519Suite } from './micro-ed25519.js';
import { microHashesSuite } from './micro-hashes.js';
import { microUtf16Suite } from './micro-utf16.js';
import { coreStateResSuite } from './core-state-res.js';
import { coreStoreSuite } from './core-store.js';

export const suites: readonly Suite[] = [
  microCanonicalJsonSuite,
  microBase64Suite,
  microUtf16Suite,
  microHashesSuite,
  microEd25519Suite,
  coreStateResSuite,
  coreStoreSuite,
  macroIdleSuite,
  macroVersionsSuite,
  macroSendSuite,
  macroSyncSuite,
  macroMessagesSuite,
  macroJoinSuite,
  macroRomeoJulietSuite,
];
