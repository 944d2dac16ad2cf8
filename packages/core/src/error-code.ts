/**
 * Every code a Tapline error can carry. Written out rather than derived from the table of their
 * meanings (`ERROR_CODES`), so that the plugin API shows the codes without the table; the table
 * must name exactly these, or core does not compile.
 */
export type ErrorCode =
  | 'TAPLINE_ERR_CONFIG_NOT_FOUND'
  | 'TAPLINE_ERR_CONFIG_PARSE'
  | 'TAPLINE_ERR_CONFIG_INVALID'
  | 'TAPLINE_ERR_OPTIONS_INVALID'
  | 'TAPLINE_ERR_ENV_UNSET'
  | 'TAPLINE_ERR_PLUGIN_NOT_FOUND'
  | 'TAPLINE_ERR_PLUGIN_INVALID'
  | 'TAPLINE_ERR_PLUGIN_API_VERSION'
  | 'TAPLINE_ERR_PLUGIN_FAILED'
  | 'TAPLINE_ERR_EMPTY_PIPELINE'
  | 'TAPLINE_ERR_NOT_A_SOURCE'
  | 'TAPLINE_ERR_SOURCE_NOT_FIRST'
  | 'TAPLINE_ERR_TYPE_MISMATCH'
  | 'TAPLINE_ERR_HOST_STATE'
  | 'TAPLINE_ERR_REPLAY_STEP'
  | 'TAPLINE_ERR_TAP_QUERY'
  | 'TAPLINE_ERR_DEAD_LETTER'
  | 'TAPLINE_ERR_DEAD_LETTERS_LOST'
  | 'TAPLINE_ERR_DRAIN_TIMEOUT'
  | 'TAPLINE_ERR_FLUSH_FAILED'
  | 'TAPLINE_ERR_DECODE'
  | 'TAPLINE_ERR_MESSAGE_TOO_LARGE'
  | 'TAPLINE_ERR_VALIDATION'
  | 'TAPLINE_ERR_TRANSFORM'
  | 'TAPLINE_ERR_EXPRESSION'
  | 'TAPLINE_ERR_EXPORT'
  | 'TAPLINE_ERR_ADDRESS_IN_USE'
  | 'TAPLINE_ERR_ADDRESS_INVALID'
  | 'TAPLINE_ERR_CURVE_UNAVAILABLE'
  | 'TAPLINE_ERR_CURVE_KEY'
  | 'TAPLINE_ERR_BROKER_UNREACHABLE'
  | 'TAPLINE_ERR_BROKER_NO_JETSTREAM'
  | 'TAPLINE_ERR_STREAM_NOT_FOUND'
  | 'TAPLINE_ERR_CONSUMER_NOT_FOUND'
  | 'TAPLINE_ERR_MAX_DELIVERIES'
  | 'TAPLINE_ERR_LOG_LEVEL'
  | 'TAPLINE_ERR_USAGE'
  | 'TAPLINE_ERR_PUBLISH_TIMEOUT'
  | 'TAPLINE_ERR_PLUGIN_NAME_INVALID'
  | 'TAPLINE_ERR_SCAFFOLD_EXISTS'
  | 'TAPLINE_ERR_SCAFFOLD_PACK'
  | 'TAPLINE_ERR_SCAFFOLD_WORKSPACE'
  | 'TAPLINE_ERR_TEST_PARSE'
  | 'TAPLINE_ERR_TEST_INVALID'
  | 'TAPLINE_ERR_TEST_NOT_FOUND';

/** The `code` of anything thrown that has a string one (Tapline's, or Node's such as `ENOENT`). */
export function codeOf(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
