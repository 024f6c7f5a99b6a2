export { compileValidation, type CompiledDto } from './compile-validation';
export { type DirectInstantiation } from './direct-instantiation';
