// Writes docs/errors.md from @tapline/core's ERROR_CODES: every code, when it is raised, and
// what to do about it. `pnpm docs:errors` runs it; a core test fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The page for `codes` (ERROR_CODES). */
export function renderErrorsDoc(codes) {
  const rows = Object.entries(codes).map(
    ([code, { when, fix }]) => `## \`${code}\`\n\n**When:** ${when}\n\n**What to do:** ${fix}\n`,
  );
  return [
    '# Error codes',
    '',
    'Every error Tapline reports carries one of these codes (`err.code`, and `[CODE]` at the end of',
    "the CLI's message). Match on the code, not on the wording. This page is generated from",
    '`packages/core/src/error-codes.ts` by `pnpm docs:errors`.',
    '',
    ...rows,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ERROR_CODES } = await import('../dist/internal.js');
  const out = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
  writeFileSync(out, renderErrorsDoc(ERROR_CODES));
  process.stdout.write(`wrote ${out}\n`);
}
