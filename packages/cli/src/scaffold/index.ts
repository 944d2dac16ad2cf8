export { scaffoldPlugin, type ScaffoldOptions, type ScaffoldResult } from './scaffold-plugin.js';
export { pluginNames, type PluginNames } from './plugin-names.js';
export { findWorkspace, type TaplineWorkspace } from './workspace.js';
