import type { PluginNames } from '../plugin-names.js';

/** test/pipeline.config.json: a pipeline with the plugin's step, for `tapline test`. */
export function pipelineConfig(n: PluginNames): string {
  return `{
  "pipeline": [
    { "id": "ingest", "plugin": "@tapline/plugin-zmq-source" },
    {
      "id": "${n.short}",
      "plugin": "../dist/index.js",
      "options": { "field": "tag", "value": "${n.short}" }
    },
    { "id": "export", "plugin": "@tapline/plugin-exporter", "options": { "targets": [{ "type": "stdout" }] } }
  ]
}
`;
}

/**
 * test/pipeline.test.json: sample tests of that pipeline, run in process by
 * \`tapline test --config test/pipeline.config.json\` (nothing is bound, nothing is written).
 */
export function pipelineTests(n: PluginNames): string {
  return `{
  "tests": [
    {
      "name": "${n.short} sets its field on every record",
      "steps": { "from": "${n.short}", "to": "${n.short}" },
      "input": [{ "record": { "id": 1 } }, { "record": { "id": 2, "tag": "old" } }],
      "expect": [
        {
          "records": [
            { "id": 1, "tag": "${n.short}" },
            { "id": 2, "tag": "${n.short}" }
          ]
        }
      ]
    },
    {
      "name": "a frame that is not JSON fails in the source; the others reach the exporter",
      "input": [{ "frame": "{\\"id\\": 3}" }, { "frame": "not json" }],
      "expect": [
        { "step": "export", "records": [{ "id": 3, "tag": "${n.short}" }] },
        { "failed": [{ "step": "ingest", "errorType": "TAPLINE_ERR_DECODE" }] }
      ]
    },
    {
      "name": "${n.short} fails what is not a record",
      "steps": { "from": "${n.short}" },
      "input": [{ "record": [1, 2] }],
      "expect": [
        {
          "count": 0,
          "failed": [{ "step": "${n.short}", "errorType": "TAPLINE_ERR_VALIDATION" }]
        }
      ]
    }
  ]
}
`;
}
