export { type UniqueOutcome, type UniquePubAck, publishUnique } from './publish-unique';
export { type HeaderReader, headerReader, releaseUniqueKey } from './release-unique-key';
export { type UniqueAcquire, UniqueKeys } from './unique-keys';
export { type ResolvedUnique, type UniqueOptions, resolveUnique } from './unique-options';
