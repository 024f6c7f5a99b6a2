export { registerJobsCommands } from './register-jobs-commands';
