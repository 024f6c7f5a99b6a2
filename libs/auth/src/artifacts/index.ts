export { authPaths, DEFAULT_AUTH_DIR, SERVER_CONFIG_FILE, type AuthPaths } from './auth-paths';
export { readPreviousJwts } from './read-previous-jwts';
export { writeArtifacts, type WriteArtifactsOptions, type WrittenArtifacts } from './write-artifacts';
