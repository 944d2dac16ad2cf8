import { Type, type Static } from '@sinclair/typebox';

/** A CURVE key as ZeroMQ writes it: 40 characters of Z85 (32 bytes). */
export const Z85_KEY_PATTERN = '^[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}$';

const Key = (description: string) => Type.String({ pattern: Z85_KEY_PATTERN, description });
const File = (description: string) => Type.String({ minLength: 1, description });

/**
 * The `curve` option of a ZeroMQ socket, shared by the zmq source and the exporter's ZeroMQ
 * target. With `serverKey` the socket is a CURVE client (it needs `publicKey` too); without, it
 * is a CURVE server and accepts only `allowedClients`. Files are relative to the config's folder.
 */
export const CurveOptions = Type.Object(
  {
    secretKey: Type.Optional(Key("this socket's secret key (Z85); prefer secretKeyFile")),
    secretKeyFile: Type.Optional(File('a file holding the secret key, as `tapline keygen` writes it')),
    publicKey: Type.Optional(Key("this socket's public key: needed when it is a client (serverKey set)")),
    serverKey: Type.Optional(Key("the server's public key: set it to make this socket the CURVE client")),
    allowedClients: Type.Optional(Type.Array(Key('a client public key allowed to connect'), { minItems: 1 })),
    allowedClientsFile: Type.Optional(
      File('a file of allowed client public keys, one per line (# comments)'),
    ),
  },
  { additionalProperties: false, description: 'CURVE encryption and authentication (see `tapline keygen`)' },
);

export type CurveOptions = Static<typeof CurveOptions>;

/**
 * What the schema cannot say about a `curve` option: which keys go together. Each problem's path
 * is under `at` (the option's JSON pointer). Checks nothing that needs the files.
 */
export function curveProblems(
  curve: CurveOptions | undefined,
  at: string,
): Array<{ path: string; message: string }> {
  if (curve === undefined) return [];
  const problems: Array<{ path: string; message: string }> = [];
  const add = (path: string, message: string) => problems.push({ path: `${at}${path}`, message });
  if ((curve.secretKey === undefined) === (curve.secretKeyFile === undefined)) {
    add('', 'CURVE needs exactly one of "secretKey" or "secretKeyFile"');
  }
  if (curve.serverKey !== undefined) {
    if (curve.publicKey === undefined) add('', 'a CURVE client (serverKey set) needs its "publicKey"');
    if (curve.allowedClients !== undefined || curve.allowedClientsFile !== undefined) {
      add('', 'allowedClients applies to a CURVE server; a client (serverKey set) has none');
    }
  } else if ((curve.allowedClients === undefined) === (curve.allowedClientsFile === undefined)) {
    add('', 'a CURVE server (no serverKey) needs exactly one of "allowedClients" or "allowedClientsFile"');
  }
  return problems;
}
