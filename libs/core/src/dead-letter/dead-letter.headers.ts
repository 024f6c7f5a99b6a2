// The dead-letter headers are wire contract shared with @jetbus/auth and the CLI: they live in wire/.
export * from '../wire/dead-letter-headers';
