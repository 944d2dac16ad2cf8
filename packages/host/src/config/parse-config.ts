import type { ConfigSource } from './config-source.js';
import { parseConfigText } from './parse-json.js';
import { parseYamlText } from './parse-yaml.js';

/** Whether a config or test file is read as YAML: by its extension, `.yaml` or `.yml`. */
export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** Parses a config or test file as YAML or strict JSON, by its extension, keeping positions. */
export function parseConfigFile(file: string, text: string): { value: unknown; source: ConfigSource } {
  return isYamlFile(file) ? parseYamlText(file, text) : parseConfigText(file, text);
}
