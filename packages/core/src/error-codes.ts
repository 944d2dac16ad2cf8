import type { ErrorCode } from './error-code.js';

/** What a code means, and what to do about it. */
export interface ErrorCodeInfo {
  /** When Tapline raises it. */
  readonly when: string;
  /** What the person who meets it should do. */
  readonly fix: string;
}

/**
 * Every error code a Tapline user can meet, in one place, with its meaning. `TaplineError`
 * takes only these, and `docs/errors.md` is generated from this table.
 */
export const ERROR_CODES = {
  TAPLINE_ERR_CONFIG_NOT_FOUND: {
    when: 'No pipeline config was found from the working directory, or the file named does not exist.',
    fix: 'Run "tapline init" to write a starter pipeline.config.json (or --yaml), or pass --config FILE.',
  },
  TAPLINE_ERR_CONFIG_PARSE: {
    when: 'The config file is not valid JSON or YAML (or has a duplicate key).',
    fix: 'Fix the file at the line and column the error names.',
  },
  TAPLINE_ERR_CONFIG_INVALID: {
    when: 'The config file does not match its schema.',
    fix: 'Fix every problem listed, each with its path, line and column; the $schema in the file lets an editor check it as you type.',
  },
  TAPLINE_ERR_OPTIONS_INVALID: {
    when: "A step's options do not match its plugin's schema, or fail its plugin's own checks.",
    fix: "Fix the options at the paths listed; the plugin's README lists its options.",
  },
  TAPLINE_ERR_ENV_UNSET: {
    when: 'The config uses ${VAR} and the variable is not set, with no ${VAR:-default}.',
    fix: 'Set the variable, or give a default with ${VAR:-default}.',
  },
  TAPLINE_ERR_PLUGIN_NOT_FOUND: {
    when: "A step's plugin cannot be resolved: not from the config's folder, nor from the Tapline installation.",
    fix: 'Fix the name where the error places it (it names the installed plugin nearest to it, or lists those installed), install a published package next to the config (npm install NAME), or fix the path.',
  },
  TAPLINE_ERR_PLUGIN_INVALID: {
    when: "A step's plugin is not a Tapline plugin: no manifest as its default export, create() did not return a BaseDomain with the step's id, or it returned a SourceDomain that the manifest does not declare with kind: 'source'.",
    fix: "Export definePlugin({...}) as the package's default, pass the context to BaseDomain's constructor (super(ctx)), and write kind: 'source' in the manifest of a plugin whose domain is a SourceDomain.",
  },
  TAPLINE_ERR_PLUGIN_API_VERSION: {
    when: 'A plugin was written for another plugin API major than this Tapline implements.',
    fix: 'Upgrade the plugin (or Tapline) so that both speak the same API version.',
  },
  TAPLINE_ERR_PLUGIN_FAILED: {
    when: "A plugin threw in create, initialize, start, stop or shutdown. What it threw is the error's cause; when that has a code of its own, it is the error's causeCode and messages show it as [TAPLINE_ERR_PLUGIN_FAILED caused by CODE].",
    fix: 'Follow the cause: its code, when it has one, has its own entry on this page; the step id and plugin name say whose it is.',
  },
  TAPLINE_ERR_EMPTY_PIPELINE: {
    when: 'The pipeline has no enabled step.',
    fix: 'Add a source step first (such as @tapline/plugin-zmq-source), or enable one.',
  },
  TAPLINE_ERR_NOT_A_SOURCE: {
    when: 'The first enabled step is not a source.',
    fix: 'Put a source plugin first.',
  },
  TAPLINE_ERR_SOURCE_NOT_FIRST: {
    when: 'A source stands after the first step.',
    fix: 'Run a second source as its own pipeline, or disable one of them.',
  },
  TAPLINE_ERR_TYPE_MISMATCH: {
    when: 'A step does not accept the type the step before it emits.',
    fix: 'Reorder the steps, change their options, or add a step that converts between the two types named.',
  },
  TAPLINE_ERR_HOST_STATE: {
    when: 'A host was started twice, or used in a state that does not allow it.',
    fix: 'Make a new host with createHost for each run.',
  },
  TAPLINE_ERR_REPLAY_STEP: {
    when: 'A replayed record was to enter at a step the running pipeline does not have.',
    fix: 'Replay against the config the dead letters came from, or choose a step that exists with --from-step.',
  },
  TAPLINE_ERR_TAP_QUERY: {
    when: 'A tap of a running host (GET /api/tap, tapline tap) named a step the pipeline does not have, a side other than output, input, dropped or failed, a --where that does not compile, or a --rate, --limit or --follow that is not a number.',
    fix: 'Fix the part the error names: the steps the pipeline has are listed, and a --where problem gives its column.',
  },
  TAPLINE_ERR_DEAD_LETTER: {
    when: 'The dead-letter file cannot be opened at start.',
    fix: "Check the path in deadLetter.path, its folder's permissions and the disk.",
  },
  TAPLINE_ERR_DEAD_LETTERS_LOST: {
    when: 'Failed messages could not be written to the dead-letter file (a full disk, an I/O error); they are counted as lost and the run exits 1.',
    fix: 'Free the disk or fix the folder; tapline_dead_letters_lost_total and the final accounting line say how many were lost.',
  },
  TAPLINE_ERR_DRAIN_TIMEOUT: {
    when: 'Messages were still in flight when the stop ran out of runtime.shutdownTimeoutMs; they were dead-lettered with reason "shutdown timeout".',
    fix: 'Raise runtime.shutdownTimeoutMs, or find the slow step in the metrics (a next hop that is down, say).',
  },
  TAPLINE_ERR_FLUSH_FAILED: {
    when: 'A step could not finish shutting down in time, or could not flush (a file could not be synced).',
    fix: "Check the step's target (disk, stream) named in the error.",
  },
  TAPLINE_ERR_DECODE: {
    when: 'A message could not be decoded: not UTF-8, not JSON, or not the shape the step expects.',
    fix: 'The message is in the dead-letter file with its bytes; fix the sender, or choose another decode mode.',
  },
  TAPLINE_ERR_MESSAGE_TOO_LARGE: {
    when: "A multipart message had more frames than the source's maxFrames, or more bytes, all frames together, than its maxMessageBytes. It is dead-lettered without its payload; attributes.frames and attributes.bytes say what came.",
    fix: 'Send smaller messages, or raise maxFrames or maxMessageBytes on the source step; a sender you do not know is best kept out with curve.',
  },
  TAPLINE_ERR_VALIDATION: {
    when: 'A record did not match a schema it was required to match.',
    fix: 'The record is in the dead-letter file with the reason; fix the sender or the validate step.',
  },
  TAPLINE_ERR_TRANSFORM: {
    when: 'A step could not transform a record: a value that does not convert, a path through a non-object.',
    fix: 'The record is in the dead-letter file with the field named; fix the sender or the step.',
  },
  TAPLINE_ERR_EXPRESSION: {
    when: 'A CEL expression failed on a record: a missing field used in arithmetic, a type mismatch, a result of the wrong type.',
    fix: 'The record is in the dead-letter file with the expression and the reason; guard the expression (has(), toNumber(x, 0.0)) or fix the sender.',
  },
  TAPLINE_ERR_EXPORT: {
    when: 'An exporter could not deliver a record to a target, retries included (a full disk, a next hop that is down).',
    fix: 'The record is in the dead-letter file; fix the target named in the error.',
  },
  TAPLINE_ERR_ADDRESS_IN_USE: {
    when: 'A socket cannot bind: another process holds the address.',
    fix: 'Stop the other process, or choose another address.',
  },
  TAPLINE_ERR_ADDRESS_INVALID: {
    when: 'A socket cannot bind or connect to the address given.',
    fix: 'Use tcp://host:port, ipc://path or inproc://name.',
  },
  TAPLINE_ERR_CURVE_UNAVAILABLE: {
    when: 'CURVE security was asked for, and this build of zeromq has no CURVE.',
    fix: 'Install a zeromq build with CURVE (the npm package ships one), or leave curve out of the options.',
  },
  TAPLINE_ERR_CURVE_KEY: {
    when: 'A CURVE key or key file cannot be used: missing, unreadable, or not a 40-character Z85 key.',
    fix: 'Make keys with tapline keygen, and check the paths in the curve options.',
  },
  TAPLINE_ERR_BROKER_UNREACHABLE: {
    when: 'A NATS source or target cannot connect to any of its servers at start (or cannot read its credentials file).',
    fix: 'Start nats-server with JetStream (nats-server -js) at the address, or fix servers and the credentials.',
  },
  TAPLINE_ERR_BROKER_NO_JETSTREAM: {
    when: 'The NATS server answers but has no JetStream.',
    fix: 'Start nats-server with -js (or enable JetStream for the account).',
  },
  TAPLINE_ERR_STREAM_NOT_FOUND: {
    when: 'The JetStream stream a NATS source names does not exist, or no stream takes the subject a NATS target publishes on.',
    fix: 'Create the stream (nats stream add), or set "create": true on the source.',
  },
  TAPLINE_ERR_CONSUMER_NOT_FOUND: {
    when: 'The durable consumer a NATS source names does not exist on its stream.',
    fix: 'Create it (nats consumer add STREAM NAME --pull --ack explicit), or set "create": true.',
  },
  TAPLINE_ERR_MAX_DELIVERIES: {
    when: "A message was delivered more often than the source's maxDeliveries: its earlier deliveries never settled (the process died, or the ack came too late).",
    fix: 'The message is in the dead-letter file and was acked; find why it never settled (a crash on it, an event loop blocked for longer than the ack wait).',
  },
  TAPLINE_ERR_LOG_LEVEL: {
    when: "The log level given (--log-level, LOG_LEVEL or log.level) is not one of pino's.",
    fix: 'Use fatal, error, warn, info, debug, trace or silent.',
  },
  TAPLINE_ERR_USAGE: {
    when: 'A command line cannot be run as written.',
    fix: 'Run tapline COMMAND --help.',
  },
  TAPLINE_ERR_PUBLISH_TIMEOUT: {
    when: 'tapline publish: nothing took a message within the send timeout.',
    fix: 'Start the receiving pipeline first, or check the address.',
  },
  TAPLINE_ERR_PLUGIN_NAME_INVALID: {
    when: 'tapline new-plugin: the name cannot name a plugin package.',
    fix: 'Use lowercase letters, digits and dashes, starting with a letter.',
  },
  TAPLINE_ERR_SCAFFOLD_EXISTS: {
    when: 'tapline new-plugin: the folder exists and is not empty.',
    fix: 'Choose another folder with --dir, or remove it first.',
  },
  TAPLINE_ERR_SCAFFOLD_PACK: {
    when: 'tapline new-plugin, outside a workspace while @tapline is not on npm: a Tapline package could not be packed for the plugin.',
    fix: 'Check that npm (and, in the Tapline repository, pnpm) runs, and that @tapline/cli is installed whole.',
  },
  TAPLINE_ERR_SCAFFOLD_WORKSPACE: {
    when: 'tapline new-plugin: the package cannot be placed in the workspace asked for.',
    fix: 'Follow the error: pass --dir, or run the command from the workspace root.',
  },
  TAPLINE_ERR_TEST_PARSE: {
    when: 'tapline test: a test file is not valid JSON.',
    fix: 'Fix the file at the line and column the error names.',
  },
  TAPLINE_ERR_TEST_INVALID: {
    when: 'tapline test: a test file does not match its schema.',
    fix: "Fix every problem listed; the test file's $schema lets an editor check it.",
  },
  TAPLINE_ERR_TEST_NOT_FOUND: {
    when: 'tapline test: no test file was found, or a file named holds no test.',
    fix: 'Name the files, or put *.test.json files next to the config.',
  },
} as const satisfies { readonly [C in ErrorCode]: ErrorCodeInfo };
