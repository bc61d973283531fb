// Event format per room version: parse and validate PDUs, compute event ids.
export { parsePdu, PduFormatError } from './parse.js';
export { computeEventId, referenceHash, referenceHashOfBytes, eventIdFromReferenceHash, computeRoomIdFromCreate } from './event-id.js';
export { isValidEventId, isValidRoomId, MAX_PDU_BYTES, MAX_PREV_EVENTS, MAX_AUTH_EVENTS, type ParseOptions } from './parse.js';
