import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Z85_KEY_PATTERN } from '@tapline/core/curve';
import { UsageError, type OptionValues } from '../command.js';

const KEY = new RegExp(Z85_KEY_PATTERN);

/** `--server-key` and `--keys NAME` as CURVE client keys, or undefined when neither is given. */
export async function clientKeys(
  values: OptionValues,
  cwd: string,
): Promise<{ serverKey: string; publicKey: string; secretKey: string } | undefined> {
  const serverKey = values['server-key'];
  const keys = values.keys;
  if (serverKey === undefined && keys === undefined) return undefined;
  if (typeof serverKey !== 'string' || typeof keys !== 'string') {
    throw new UsageError(
      "CURVE needs both --server-key=KEY (the source's public key; write it with = since a key may start with a dash) and --keys NAME.",
    );
  }
  if (!KEY.test(serverKey)) throw new UsageError('--server-key is not a CURVE key (40 characters of Z85).');
  const base = path.resolve(cwd, keys);
  const [publicKey, secretKey] = await Promise.all(
    ['public', 'secret'].map(async (kind) => {
      const file = `${base}.${kind}`;
      const text = await readFile(file, 'utf8').catch((err: Error) => {
        throw new UsageError(
          `--keys: cannot read ${file} (${err.message}); write a pair with "tapline keygen".`,
        );
      });
      const key = text.trim();
      if (!KEY.test(key)) throw new UsageError(`--keys: ${file} does not hold a CURVE key.`);
      return key;
    }),
  );
  return { serverKey, publicKey: publicKey!, secretKey: secretKey! };
}
