/** A class, as class-validator and class-transformer key their metadata by it. */
export type DtoClass = abstract new (...args: never[]) => unknown;
