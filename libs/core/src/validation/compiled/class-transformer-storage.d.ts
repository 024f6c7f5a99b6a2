// class-transformer ships no declarations next to its CommonJS files; this one re-uses its own.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
