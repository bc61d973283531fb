// Event format per room version: parse and validate PDUs, compute event ids.
export { parsePdu, PduFormatError } from './parse.js';
export { computeEventId, referenceHash, computeRoomIdFromCreate } from './event-id.js';
