// The unit rules of `promtool check metrics` (client_golang's promlint: lintMetricUnits and
// lintUnitAbbreviations), for the metric names a config makes.

/** A unit word and the base unit Prometheus wants in its place. */
const UNITS: Record<string, string> = {
  amperes: 'amperes',
  bytes: 'bytes',
  celsius: 'celsius',
  grams: 'grams',
  joules: 'joules',
  kelvin: 'kelvin',
  meters: 'meters',
  metres: 'metres',
  seconds: 'seconds',
  volts: 'volts',
  minutes: 'seconds',
  hours: 'seconds',
  days: 'seconds',
  weeks: 'seconds',
  kelvins: 'kelvin',
  fahrenheit: 'celsius',
  rankine: 'celsius',
  inches: 'meters',
  yards: 'meters',
  miles: 'meters',
  bits: 'bytes',
  calories: 'joules',
  pounds: 'grams',
  ounces: 'grams',
};
const PREFIXES =
  'pico nano micro milli centi deci deca hecto kilo kibi mega mibi giga gibi tera tebi peta pebi'.split(' ');
const ABBREVIATIONS = ['s', 'ms', 'us', 'ns', 'sec', 'b', 'kb', 'mb', 'gb', 'tb', 'pb', 'm', 'h', 'd'];

/** What promtool would say about `name`'s units: nothing for a good name. */
export function unitProblems(name: string): string[] {
  const problems: string[] = [];
  for (const word of name.split('_')) {
    const prefix = PREFIXES.find((p) => word.startsWith(p) && UNITS[word.slice(p.length)] !== undefined);
    const base = UNITS[word] ?? (prefix === undefined ? undefined : UNITS[word.slice(prefix.length)]);
    if (base === undefined) continue;
    if (base !== word) problems.push(`${name}: use base unit "${base}" instead of "${word}"`);
    break;
  }
  const lower = name.toLowerCase();
  for (const a of ABBREVIATIONS) {
    if (lower.includes(`_${a}_`) || lower.endsWith(`_${a}`))
      problems.push(`${name}: metric names should not contain abbreviated units`);
  }
  return problems;
}
