// Registers the deal's search attributes (src/contracts/search-attributes.ts) in a namespace that
// lacks them. The embedded dev server starts with them (--search-attribute flags); a cluster gets
// them from the first process that starts against it, or from an operator beforehand:
//   temporal operator search-attribute create --namespace <ns> --name PsmMilestone --type Keyword ...
// Without them every start and upsert of a deal would be refused, so a process that finds them
// missing and may not add them refuses to start, naming the commands that fix it.
import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PSM_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';

export class SearchAttributesMissingError extends Error {}

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const TYPES = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
} as const;

/** The operator's commands that register them (for error messages and the README). */
export function searchAttributeCreateCommands(namespace: string): string[] {
  return PSM_SEARCH_ATTRIBUTES.map(
    ({ name, type }) =>
      `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${type}`,
  );
}

const grpcCode = (err: unknown): number | undefined => (err as { code?: number }).code;
const UNIMPLEMENTED = 12;
const ALREADY_EXISTS = 6;

export interface SearchAttributesCheck {
  /** Names this call registered. */
  added: string[];
  /** False when the server would not list them (e.g. no admin rights): they may still be missing. */
  checked: boolean;
}

/**
 * Adds whichever of the attributes the namespace lacks. Servers that cannot list them (the
 * time-skipping test server) are asked to add all of them; a server that refuses to list them is
 * left alone (checked: false), and a refused add throws SearchAttributesMissingError.
 */
export async function ensureSearchAttributes(
  connection: Pick<ConnectionLike, 'operatorService'>,
  namespace: string,
): Promise<SearchAttributesCheck> {
  let present: Record<string, unknown> | undefined;
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    present = { ...listed.customAttributes, ...listed.systemAttributes };
  } catch (err) {
    if (grpcCode(err) !== UNIMPLEMENTED) return { added: [], checked: false };
  }
  const missing = PSM_SEARCH_ATTRIBUTES.filter(({ name }) => present?.[name] === undefined);
  if (missing.length === 0) return { added: [], checked: true };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(({ name, type }) => [name, TYPES[type]])),
    });
  } catch (err) {
    // Another process registered them meanwhile.
    if (grpcCode(err) !== ALREADY_EXISTS) throw refused(namespace, err);
  }
  return { added: missing.map(({ name }) => name), checked: true };
}

function refused(namespace: string, err: unknown): SearchAttributesMissingError {
  const reason = (err as Error).message.split('\n')[0];
  return new SearchAttributesMissingError(
    `Temporal namespace ${namespace}: cannot register the deals' search attributes (${reason}). ` +
      `Ask a Temporal admin to run:\n  ${searchAttributeCreateCommands(namespace).join('\n  ')}`,
  );
}
