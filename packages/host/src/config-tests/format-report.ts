import path from 'node:path';
import { codeLabel } from '@tapline/core/internal';
import { show } from './json-match.js';
import type { TestFailure, TestReport, TestResult } from './test-result.js';

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

function formatFailure(f: TestFailure): string {
  const where = [
    f.expectation === undefined ? undefined : `expect[${f.expectation}]`,
    f.step === undefined ? undefined : `step "${f.step}"`,
  ].filter((s) => s !== undefined);
  const lines = [
    `  ✗ ${where.length > 0 ? `${where.join(', ')}: ` : ''}${f.check}: ${f.message}${f.code ? ` ${codeLabel(f)}` : ''}`,
  ];
  if (f.diff !== undefined) {
    lines.push('      - expected  + came out', indent(f.diff, '      '));
  } else {
    if (f.expected !== undefined) lines.push('    expected:', indent(show(f.expected), '      '));
    if (f.actual !== undefined) lines.push('    came out:', indent(show(f.actual), '      '));
  }
  return lines.join('\n');
}

/** One test's lines: `PASS file › name`, or `FAIL` and every failure with what came out. */
export function formatResult(result: TestResult, cwd: string): string {
  const file = path.relative(cwd, result.file) || result.file;
  const ms = `${Math.round(result.durationMs)} ms`;
  const head = `${result.passed ? 'PASS' : 'FAIL'} ${file} › ${result.name} (${ms})`;
  return [head, ...result.failures.map(formatFailure)].join('\n') + '\n';
}

/** The summary line: `N passed, N failed`. */
export function formatSummary(report: Pick<TestReport, 'passed' | 'failed'>): string {
  return `${report.passed} passed, ${report.failed} failed`;
}
