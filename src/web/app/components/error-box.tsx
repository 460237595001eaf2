// A refusal or failure, shown by its error code and typed details translated from the catalog;
// the API's English message text is never shown or read.
import { useEffect, useRef } from 'preact/hooks';
import { ApiError } from '../api';
import { i18n, t } from '../i18n';
import { criterionLabel, useSession } from '../session';
import type { ProcessDefinition } from '../types';

export function errorCode(err: unknown): string {
  return err instanceof ApiError ? err.code : 'ERROR';
}

function detailsObject(err: ApiError): Record<string, unknown> {
  return err.details && typeof err.details === 'object' && !Array.isArray(err.details)
    ? (err.details as Record<string, unknown>)
    : {};
}

/** The criterion keys a refusal's typed details name (src/contracts/refusals.ts). */
export function refusedCriteria(err: ApiError): string[] {
  const d = detailsObject(err);
  const keys =
    err.code === 'CRITERIA_NOT_MET' ? d.missing : err.code === 'UNKNOWN_CRITERION' ? d.unknown : undefined;
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

/** Input issues ({ path }) from the API's check and the workflow's alike. */
function inputIssues(err: ApiError): string[] {
  if (!Array.isArray(err.details)) return [];
  return err.details
    .slice(0, 10)
    .map((d: unknown) =>
      d && typeof d === 'object' ? String((d as { path?: unknown }).path ?? '') : String(d),
    )
    .map((path) => {
      const field = path.replace(/^body\./, '');
      const key = `fields.${field}`;
      return t('errors.invalidField', { field: i18n.exists(key) ? t(key) : field });
    });
}

export function errorTitle(err: unknown): string {
  const status = err instanceof ApiError ? err.status : 0;
  const key = `status.${status}`;
  return i18n.exists(key) ? t(key) : t('status.other');
}

/**
 * The sentence for a code: the page's own hint where it has one (what to do on this screen), else
 * the API's refusal sentence from the shared errors catalog, with its scalar details (limits, the
 * expected milestone) interpolated.
 */
export function errorHint(err: unknown, process?: ProcessDefinition): string | null {
  if (!(err instanceof ApiError)) return null;
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detailsObject(err))) {
    if (typeof v === 'string' || typeof v === 'number') values[k] = v;
  }
  if (process && typeof values.expected === 'string') {
    const m = process.milestones.find((x) => x.key === values.expected);
    if (m) values.expected = i18n.language === 'en' ? m.name.en : m.name.zh;
  }
  if (values.rule === 'all' || values.rule === 'any') values.rule = t(`rule.${values.rule}`);
  const own = `errors.${err.code}`;
  if (i18n.exists(own)) return t(own, values);
  const shared = `errors:${err.code}`;
  if (!i18n.exists(shared)) return null;
  // The shared catalog's `<CODE>_details` line, when every value it names is a scalar we have.
  const template: unknown = i18n.getResource(i18n.language, 'errors', `${err.code}_details`);
  const withDetails =
    typeof template === 'string' &&
    [...template.matchAll(/{{(\w+)}}/g)].every(([, name]) => name !== undefined && name in values);
  return withDetails ? `${t(shared, values)} ${t(`errors:${err.code}_details`, values)}` : t(shared, values);
}

export function ErrorBox({ error }: { error: unknown }) {
  const ref = useRef<HTMLDivElement>(null);
  const session = useSessionOrNull();
  useEffect(() => {
    if (error) ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [error]);
  if (!error) return null;
  const code = errorCode(error);
  const hint = errorHint(error, session?.process);
  const criteria = error instanceof ApiError ? refusedCriteria(error) : [];
  const issues = error instanceof ApiError ? inputIssues(error) : [];
  return (
    <div class="form-error" role="alert" ref={ref}>
      <p class="error-title">
        <strong>{errorTitle(error)}</strong> <code>{code}</code>
      </p>
      {hint ? <p>{hint}</p> : null}
      {issues.length > 0 ? (
        <ul>
          {issues.map((issue, i) => (
            <li key={i}>{issue}</li>
          ))}
        </ul>
      ) : null}
      {criteria.length > 0 && session ? (
        <>
          <p>{t('errors.criteriaNamed')}</p>
          <ul>
            {criteria.map((key) => (
              <li key={key}>{criterionLabel(session.process, key)}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function useSessionOrNull() {
  try {
    return useSession();
  } catch {
    return null;
  }
}
