export { registerAdminCredentialCommands } from './register-admin-commands';
