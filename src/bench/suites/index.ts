// Every benchmark suite, registered in one list. `myelin bench` lists them,
// `myelin bench <name|tier...>` runs them, `myelin bench all` runs every one
// whose fits() says yes. To add a suite: one import, one entry (keep the list
// ordered micro, core, macro). See ../suite.ts for the interface.
import type { Suite } from '../suite.js';

export const suites: readonly Suite[] = [
];
