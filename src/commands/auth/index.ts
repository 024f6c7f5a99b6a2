export { registerAuthCommands } from './register-auth-commands';
export { type AuthCommandIo } from './auth-io';
