// A node:test reporter that prints nothing until the run ends, then lists
// every failed test (file, full name, error) — so the end of a long CI log
// says what failed without scrolling back through thousands of TAP lines.
import { inspect } from 'node:util';

export default async function* failuresReporter(source) {
  const failures = [];
  const stack = []; // names of the tests enclosing the current one, by nesting level
  for await (const event of source) {
    if (event.type === 'test:start') {
      stack[event.data.nesting] = event.data.name;
      stack.length = event.data.nesting + 1;
    } else if (event.type === 'test:fail') {
      const { nesting, name, details, file } = event.data;
      const error = details?.error;
      // A suite fails because a test inside it failed; list only the tests themselves.
      if (error?.failureType === 'subtestsFailed') continue;
      const path = [...stack.slice(0, nesting), name].join(' > ');
      failures.push({ file: file ?? '', path, error });
    }
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed test${failures.length === 1 ? '' : 's'}:\n`;
  for (const f of failures) {
    yield `#   ${f.file}\n#     ${f.path}\n`;
    const cause = f.error?.cause ?? f.error;
    const text = inspect(cause, { depth: 4, breakLength: 100 }).split('\n').slice(0, 30);
    for (const line of text) yield `#       ${line}\n`;
  }
}
