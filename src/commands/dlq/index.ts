export { registerDlqCommands } from './register-dlq-commands';
