export { registerAuthCommands } from './register-auth-commands';
export { type CommandIo } from '../cli-io';
