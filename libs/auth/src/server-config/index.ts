export {
  DEFAULT_MAX_CONTROL_LINE,
  DEFAULT_RESOLVER_INTERVAL,
  checkServerConfigValue,
  requiredMaxControlLine,
  renderServerConfig,
  type ServerConfigOptions,
} from './render-server-config';
