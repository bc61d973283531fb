// A JSON object given as text in a query parameter (the inline `filter` of /sync, /messages
// and /context). The error codes are Synapse's, which clients meet: text that does not parse
// → 400 M_NOT_JSON (spec: "Request did not contain valid JSON"); a value that is not an object
// → 400 M_BAD_JSON. What the object holds is checked by its reader (M_INVALID_PARAM).
import { badJson, notJson } from './errors.js';

export function jsonObjectQuery(name: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notJson(`${name}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badJson(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}
