// End-to-end encryption key routes (src/e2ee), listed once for src/api/client/index.ts.
import type { AnyRoute } from '../../route.js';
import { claimKeysRoute } from './claim-keys.js';
import { keyChangesRoute } from './key-changes.js';
import { queryKeysRoute } from './query-keys.js';
import { uploadKeysRoute } from './upload-keys.js';
import { uploadSignaturesRoute } from './upload-signatures.js';
import { uploadSigningKeysRoute } from './upload-signing-keys.js';

export const keysRoutes: readonly AnyRoute[] = [uploadKeysRoute, queryKeysRoute, claimKeysRoute, keyChangesRoute, uploadSigningKeysRoute, uploadSignaturesRoute];
