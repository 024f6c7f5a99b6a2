export {
  DEFAULT_RESOLVER_INTERVAL,
  checkServerConfigValue,
  renderServerConfig,
  type ServerConfigOptions,
} from './render-server-config';
