import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CurveError } from '../errors.js';
import { Z85_KEY_PATTERN, type CurveOptions } from './curve-options.js';

const KEY = new RegExp(Z85_KEY_PATTERN);

/** The keys of a `curve` option with its files read: what a socket is given. */
export type CurveKeys =
  | {
      readonly role: 'client';
      readonly secretKey: string;
      readonly publicKey: string;
      readonly serverKey: string;
    }
  | { readonly role: 'server'; readonly secretKey: string; readonly allowedClients: ReadonlySet<string> };

/**
 * Reads `secretKeyFile` and `allowedClientsFile` (relative to `dir`) and checks every key.
 * Assumes the option passed `curveProblems`.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_KEY` naming the file or key that cannot be used
 */
export async function loadCurveKeys(curve: CurveOptions, dir: string): Promise<CurveKeys> {
  const secretKey = curve.secretKey ?? (await readKeys(path.resolve(dir, curve.secretKeyFile!)))[0];
  if (secretKey === undefined) {
    throw new CurveError(
      'TAPLINE_ERR_CURVE_KEY',
      `${curve.secretKeyFile} holds no key; write one with \`tapline keygen\``,
    );
  }
  if (curve.serverKey !== undefined) {
    return { role: 'client', secretKey, publicKey: curve.publicKey!, serverKey: curve.serverKey };
  }
  const listed = curve.allowedClients ?? (await readKeys(path.resolve(dir, curve.allowedClientsFile!)));
  return { role: 'server', secretKey, allowedClients: new Set(listed) };
}

/** The keys in a file: one per line; blank lines and lines starting with `#` skipped. */
async function readKeys(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CurveError(
      'TAPLINE_ERR_CURVE_KEY',
      `Cannot read the key file ${file}: ${(err as Error).message}`,
      err,
    );
  }
  const keys: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (KEY.test(line)) {
      keys.push(line);
      return;
    }
    // '#' is also a Z85 digit: a line is a comment only when it is not a key.
    if (line === '' || line.startsWith('#')) return;
    throw new CurveError(
      'TAPLINE_ERR_CURVE_KEY',
      `${file}:${i + 1} is not a CURVE key (40 characters of Z85); write keys with \`tapline keygen\``,
    );
  });
  return keys;
}

/**
 * Refuses CURVE on a ZeroMQ build without it (`zeromq.capability.curve`), before any socket
 * is set up to use it.
 *
 * @throws CurveError `TAPLINE_ERR_CURVE_UNAVAILABLE`
 */
export function requireCurve(available: boolean | undefined, where: string): void {
  if (available === true) return;
  throw new CurveError(
    'TAPLINE_ERR_CURVE_UNAVAILABLE',
    `${where} asks for CURVE, but this zeromq build has no CURVE support (zeromq.capability.curve is false). ` +
      'Install a zeromq build with libsodium or curve support, or remove the "curve" option.',
  );
}
