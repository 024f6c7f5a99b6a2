export { registerKeysCommands } from './register-keys-commands';
