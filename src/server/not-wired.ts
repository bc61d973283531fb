// A stand-in for a service whose implementation has not landed yet: the members given
// work, any other call answers 500 M_UNKNOWN naming the service (never a silent no-op).
import { MatrixError } from '../api/errors.js';

export function notWired<T extends object>(name: string, members: Partial<T> = {}): T {
  return new Proxy(members as T, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return () => { throw new MatrixError(500, 'M_UNKNOWN', `${name}.${prop} is not available in this build yet`); };
    },
  });
}
