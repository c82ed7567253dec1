/**
 * Keeps a wrapped method indistinguishable to Nest: same name and length, and every Reflect
 * metadata key the original carries (written by decorators applied before ours). Decorators
 * applied after ours write on the wrapper directly.
 */
type MetadataReflect = typeof Reflect & {
  getOwnMetadataKeys?: (target: object) => unknown[];
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
};

export function copyFunctionIdentity(original: Function, wrapper: Function): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
  const reflect = Reflect as MetadataReflect;
  if (typeof reflect.getOwnMetadataKeys !== 'function' || typeof reflect.defineMetadata !== 'function') return;
  for (const key of reflect.getOwnMetadataKeys(original)) {
    reflect.defineMetadata(key, reflect.getOwnMetadata!(key, original), wrapper);
  }
}
