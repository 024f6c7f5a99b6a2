export {
  DEFAULT_RESOLVER_INTERVAL,
  renderServerConfig,
  type ServerConfigOptions,
} from './render-server-config';
