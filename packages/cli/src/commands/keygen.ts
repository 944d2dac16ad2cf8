import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { capability, curveKeyPair } from 'zeromq';
import { UsageError, type Command } from '../command.js';

export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'write a CURVE key pair (Z85) for the ZeroMQ source, exporter or publish',
  usage: 'keygen [--name NAME] [--dir DIR] [--json]',
  flags: {
    // No short flag: -n is --count in publish, and one short flag means one thing everywhere.
    name: {
      spec: { type: 'string' },
      help: 'the files are NAME.public and NAME.secret (default tapline)',
    },
    dir: { spec: { type: 'string', short: 'd' }, help: 'where to write them (default: here)' },
    json: { spec: { type: 'boolean' }, help: 'print the files and the public key as JSON' },
  },
  details: [
    'NAME.secret is written readable by its owner only; it never leaves this machine. Hand',
    'NAME.public to the other side: a server lists client public keys in "allowedClients", and a',
    'client names the server\'s public key as "serverKey". An existing file is never overwritten.',
    '',
    'Examples:',
    '  tapline keygen --name source      then, in the zmq-source step:',
    '    "curve": { "secretKeyFile": "source.secret", "allowedClientsFile": "clients.txt" }',
    '  tapline keygen --name sender      then:',
    '    tapline publish --address tcp://host:5555 --server-key "$(cat source.public)" --keys sender',
  ],
  async run(values, _positionals, io) {
    if (capability.curve !== true) {
      io.stderr.write(
        'This zeromq build has no CURVE support (zeromq.capability.curve is false).\n[TAPLINE_ERR_CURVE_UNAVAILABLE]\n',
      );
      return 1;
    }
    const name = typeof values.name === 'string' ? values.name : 'tapline';
    if (name === '' || name.includes('/') || name.includes(path.sep)) {
      throw new UsageError('--name is a file name without a folder; use --dir for the folder.');
    }
    const dir = path.resolve(io.cwd, typeof values.dir === 'string' ? values.dir : '.');
    const { publicKey, secretKey } = curveKeyPair();
    const publicFile = path.join(dir, `${name}.public`);
    const secretFile = path.join(dir, `${name}.secret`);
    try {
      // 'wx': refuse to replace a key someone may already rely on.
      await writeFile(secretFile, `${secretKey}\n`, { mode: 0o600, flag: 'wx' });
      await writeFile(publicFile, `${publicKey}\n`, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      io.stderr.write(
        `Cannot write the key pair: ${(err as Error).message}. Choose another --name or --dir.\n`,
      );
      return 1;
    }
    io.stdout.write(
      values.json === true
        ? `${JSON.stringify({ secretKeyFile: secretFile, publicKeyFile: publicFile, publicKey })}\n`
        : `Wrote ${secretFile} (keep it secret) and ${publicFile}.\nPublic key: ${publicKey}\n`,
    );
    return 0;
  },
};
