export { registerPeriodicCommands } from './register-periodic-commands';
