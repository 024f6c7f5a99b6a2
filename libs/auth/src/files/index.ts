export { checkWritableDir, checkWritableFile } from './check-writable';
export { ensureDir } from './ensure-dir';
export { writeFileAtomic, type WriteFileAtomicOptions } from './write-file-atomic';
