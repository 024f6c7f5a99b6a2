import { type DtoClass } from './dto-class';

type StorageModule = typeof import('class-transformer/types/storage');
// class-transformer ships no declarations beside its CommonJS files, so its own are borrowed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as StorageModule;

/**
 * What class-transformer's metadata says about a class, read from its storage. The storage has no
 * public "does this class have any metadata" query, so this reads its maps (class-transformer 0.5,
 * pinned in package.json); if their shape ever changes, every answer is "needs class-transformer".
 */
interface StorageMaps {
  _typeMetadatas?: unknown;
  _transformMetadatas?: unknown;
  _exposeMetadatas?: unknown;
  _excludeMetadatas?: unknown;
}

/** True when plainToInstance would apply nothing but `new Dto()` plus a copy of the payload's keys. */
export function needsNoTransformation(dto: DtoClass): boolean {
  const maps = defaultMetadataStorage as unknown as StorageMaps;
  const all = [maps._typeMetadatas, maps._transformMetadatas, maps._exposeMetadatas, maps._excludeMetadatas];
  if (!all.every((m) => m instanceof Map)) return false;
  // The class and every ancestor (class-transformer looks metadata up on ancestors too).
  for (let target: unknown = dto; typeof target === 'function' && target !== Function.prototype;) {
    for (const m of all as Map<unknown, Map<unknown, unknown>>[]) {
      const own = m.get(target);
      if (own && own.size > 0) return false;
    }
    target = Object.getPrototypeOf(target);
  }
  return true;
}

/** The class a nested property is declared to hold with `@Type(() => X)`, when it can be known up front. */
export function nestedTypeOf(target: DtoClass, property: string): DtoClass | undefined {
  const meta = defaultMetadataStorage.findTypeMetadata(target, property);
  if (!meta?.typeFunction || meta.options?.discriminator) return undefined;
  try {
    const type = meta.typeFunction();
    return typeof type === 'function' ? (type as DtoClass) : undefined;
  } catch {
    // A type function that needs the object being transformed: that class is compiled when met.
    return undefined;
  }
}
