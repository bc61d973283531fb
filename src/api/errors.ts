// Matrix errors, created in one place. Handlers throw these; the router renders
// `{errcode, error, ...extra}` with `status`. Anything else thrown is a 500 M_UNKNOWN.
// Spec: client-server-api#standard-error-response, #common-error-codes.

export class MatrixError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly extra: Readonly<Record<string, unknown>> | undefined;
  /** extra response headers (e.g. Retry-After for 429) */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, errcode: string, message: string, extra?: Record<string, unknown>, headers?: Record<string, string>) {
    super(message);
    this.name = 'MatrixError';
    this.status = status;
    this.errcode = errcode;
    this.extra = extra;
    this.headers = headers;
  }

  /** The JSON body the client sees. */
  toJSON(): Record<string, unknown> {
    // A UIA challenge (errcode '') is only its flows/params/session body.
    if (this.errcode === '') return { ...(this.extra ?? {}) };
    return { errcode: this.errcode, error: this.message, ...(this.extra ?? {}) };
  }
}

export function isMatrixError(e: unknown): e is MatrixError {
  return e instanceof MatrixError;
}

export const forbidden = (msg = 'Forbidden', extra?: Record<string, unknown>) => new MatrixError(403, 'M_FORBIDDEN', msg, extra);
export const notFound = (msg = 'Not found') => new MatrixError(404, 'M_NOT_FOUND', msg);
export const badJson = (msg: string, extra?: Record<string, unknown>) => new MatrixError(400, 'M_BAD_JSON', msg, extra);
export const notJson = (msg = 'Content not JSON') => new MatrixError(400, 'M_NOT_JSON', msg);
/**
 * `soft_logout: true` tells the client to re-login without dropping its device state. The spec
 * lets `false` be omitted (#soft-logout); it is always sent, as Synapse does, for clients and
 * test suites that read the field.
 */
export const unknownToken = (softLogout = false, msg = 'Unknown access token') =>
  new MatrixError(401, 'M_UNKNOWN_TOKEN', msg, { soft_logout: softLogout });
export const missingToken = (msg = 'Missing access token') => new MatrixError(401, 'M_MISSING_TOKEN', msg);
export const missingParam = (name: string, msg = `Missing parameter: ${name}`) => new MatrixError(400, 'M_MISSING_PARAM', msg);
export const invalidParam = (msg: string) => new MatrixError(400, 'M_INVALID_PARAM', msg);
export const limitExceeded = (retryAfterMs: number) => {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  return new MatrixError(429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: ms }, { 'retry-after': String(Math.ceil(ms / 1000)) });
};
export const userInUse = (msg = 'User ID already taken') => new MatrixError(400, 'M_USER_IN_USE', msg);
export const invalidUsername = (msg = 'Invalid username') => new MatrixError(400, 'M_INVALID_USERNAME', msg);
export const roomInUse = (msg = 'Room alias already taken') => new MatrixError(400, 'M_ROOM_IN_USE', msg);
export const unsupportedRoomVersion = (msg = 'Unsupported room version') => new MatrixError(400, 'M_UNSUPPORTED_ROOM_VERSION', msg);
export const incompatibleRoomVersion = (roomVersion: string) =>
  new MatrixError(400, 'M_INCOMPATIBLE_ROOM_VERSION', 'Room version not supported by this server', { room_version: roomVersion });
export const tooLarge = (msg = 'Request body too large') => new MatrixError(413, 'M_TOO_LARGE', msg);
/** 404 for an unknown endpoint, 405 for a known path with a wrong method (spec: #unrecognized-requests). */
export const unrecognized = (status: 404 | 405 = 404, msg = 'Unrecognized request') => new MatrixError(status, 'M_UNRECOGNIZED', msg);
export const unknown = (msg = 'Internal server error') => new MatrixError(500, 'M_UNKNOWN', msg);
export const exclusive = (msg = 'This namespace is reserved by an application service') => new MatrixError(400, 'M_EXCLUSIVE', msg);
export const guestAccessForbidden = (msg = 'Guest access is not allowed') => new MatrixError(403, 'M_GUEST_ACCESS_FORBIDDEN', msg);
export const userDeactivated = (msg = 'This account has been deactivated') => new MatrixError(403, 'M_USER_DEACTIVATED', msg);
export const weakPassword = (msg = 'Password too weak') => new MatrixError(400, 'M_WEAK_PASSWORD', msg);
export const invalidRoomState = (msg: string) => new MatrixError(400, 'M_INVALID_ROOM_STATE', msg);
export const notYetUploaded = (msg = 'Not yet uploaded') => new MatrixError(404, 'M_NOT_YET_UPLOADED', msg);
export const unableToAuthoriseJoin = (msg = 'Unable to authorise join') => new MatrixError(400, 'M_UNABLE_TO_AUTHORISE_JOIN', msg);
export const cannotLeaveServerNoticeRoom = (msg = 'Cannot leave server notice room') => new MatrixError(403, 'M_CANNOT_LEAVE_SERVER_NOTICE_ROOM', msg);
export const threepidDenied = (msg = 'Third party identifier is not allowed') => new MatrixError(403, 'M_THREEPID_DENIED', msg);
export const unauthorized = (msg = 'Unauthorized') => new MatrixError(401, 'M_UNAUTHORIZED', msg);
export const resourceLimitExceeded = (msg: string, adminContact: string) => new MatrixError(403, 'M_RESOURCE_LIMIT_EXCEEDED', msg, { admin_contact: adminContact });
/** User-interactive auth: 401 with the flows/session body (the body is the UIA response, spec #user-interactive-authentication-api). */
export const uiaRequired = (body: Record<string, unknown>, errcode?: string, msg?: string) =>
  new MatrixError(401, errcode ?? 'M_FORBIDDEN', msg ?? 'Authentication required', body);

/** UIA 401 without an errcode at all (first round): the router renders `extra` only when errcode is ''. */
export const uiaChallenge = (body: Record<string, unknown>) => new MatrixError(401, '', '', body);
