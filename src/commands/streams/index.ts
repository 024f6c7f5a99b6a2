export { registerStreamCommands } from './register-stream-commands';
