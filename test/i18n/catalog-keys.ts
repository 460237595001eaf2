// Flattens a catalog to its keys, folding i18next plural forms (key_one, key_other) into one key,
// with the {{variables}} each key uses in any form.
import type { Catalog } from '../../src/i18n';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const VARIABLE = /{{\s*-?\s*([\w.]+)\s*(?:,[^}]*)?}}/g;

export interface KeyInfo {
  variables: Set<string>;
  plural: boolean;
}

export function flattenCatalog(catalog: Catalog, prefix = '', out = new Map<string, KeyInfo>()) {
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value !== 'string') {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new Error(
          `${path}: a catalog value must be a string or an object, not ${JSON.stringify(value)}`,
        );
      flattenCatalog(value, path, out);
      continue;
    }
    const base = path.replace(PLURAL_SUFFIX, '');
    const info = out.get(base) ?? { variables: new Set<string>(), plural: false };
    if (base !== path) info.plural = true;
    for (const m of value.matchAll(VARIABLE)) info.variables.add(m[1]!);
    out.set(base, info);
  }
  return out;
}
