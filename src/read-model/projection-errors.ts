// Tells a database outage (retry until it is back) from data the read model cannot store (a NUL
// in a text, a date or number out of range, a broken reference: retrying never helps) and from
// anything else (a bug, or a failure we do not know: retried a bounded number of times).
// Prisma wraps PostgreSQL's SQLSTATE at varying depths (the driver adapter's `originalCode`, a
// raw query's `meta.code`), so the whole cause chain is searched.

export type ProjectionFailureKind = 'outage' | 'data' | 'other';

export interface ProjectionFailure {
  kind: ProjectionFailureKind;
  /** PostgreSQL's SQLSTATE when the server answered with one. */
  sqlState: string | null;
  message: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
const PRISMA_CODE = /^P\d{4}$/;
/** Connection, resources, operator intervention, system errors, and conflicts worth a retry. */
const OUTAGE_CLASSES = new Set(['08', '40', '53', '55', '57', '58']);
/** Data exceptions (22xxx) and integrity violations (23xxx): the same input fails every time. */
const DATA_CLASSES = new Set(['22', '23']);
/** Prisma's own codes for an unreachable or vanished database, a pool timeout, a closed transaction. */
const PRISMA_OUTAGE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const ADAPTER_OUTAGE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
  'TransactionWriteConflict',
]);
const NODE_SOCKET = /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|NOTFOUND|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/;
const OUTAGE_TEXT =
  /connection (terminated|refused|closed|reset|timeout)|can't reach database|server closed the connection|timed out fetching a new connection|transaction already closed|ECONN|terminating connection/i;

function collect(err: unknown): { codes: string[]; names: string[]; messages: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || seen.has(v) || depth > 6) return;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const key of ['code', 'originalCode', 'kind']) {
      if (typeof o[key] === 'string') codes.push(o[key]);
    }
    if (typeof o.name === 'string') names.push(o.name);
    if (typeof o.message === 'string') messages.push(o.message);
    if (typeof o.originalMessage === 'string') messages.push(o.originalMessage);
    for (const key of ['cause', 'meta', 'driverAdapterError', 'error']) visit(o[key], depth + 1);
  };
  visit(err, 0);
  return { codes, names, messages };
}

export function classifyProjectionError(err: unknown): ProjectionFailure {
  const { codes, names, messages } = collect(err);
  const message = (messages[0] ?? String(err)).replaceAll('\0', '');
  const sqlState = codes.find((c) => SQLSTATE.test(c) && !PRISMA_CODE.test(c)) ?? null;
  const result = (kind: ProjectionFailureKind): ProjectionFailure => ({ kind, sqlState, message });
  if (sqlState !== null) {
    const cls = sqlState.slice(0, 2);
    if (OUTAGE_CLASSES.has(cls)) return result('outage');
    if (DATA_CLASSES.has(cls)) return result('data');
  }
  if (codes.some((c) => PRISMA_OUTAGE.has(c) || ADAPTER_OUTAGE.has(c) || NODE_SOCKET.test(c)))
    return result('outage');
  if (messages.some((m) => OUTAGE_TEXT.test(m))) return result('outage');
  // Prisma refuses a value before it reaches the server (an invalid date, a wrong type).
  if (names.includes('PrismaClientValidationError')) return result('data');
  if (codes.some((c) => ['ValueOutOfRange', 'InvalidInputValue', 'LengthMismatch'].includes(c)))
    return result('data');
  return result('other');
}
