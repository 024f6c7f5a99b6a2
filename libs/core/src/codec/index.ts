export { type Codec } from './codec.interface';
export { JsonCodec } from './json.codec';
