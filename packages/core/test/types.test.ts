import { describe, expect, it } from 'vitest';
import { accepts } from '../src/internal.js';

describe('accepts(expected, actual)', () => {
  it.each([
    ['record', 'record', true],
    ['json', 'record', true],
    ['json', 'text', true],
    ['json', 'json', true],
    ['any', 'bytes', true],
    ['any', 'geo-point', true],
    ['geo-point', 'geo-point', true],
    ['record', 'json', false],
    ['record', 'text', false],
    ['text', 'bytes', false],
    ['json', 'bytes', false],
    ['record', 'any', false],
    ['geo-point', 'record', false],
    ['record', 'receipt', false],
  ])('%s accepts %s: %s', (expected, actual, result) => {
    expect(accepts(expected, actual)).toBe(result);
  });
});
