// CSV import of accounts and contacts: choose a file (UTF-8 with or without BOM, or GB18030 as
// Excel in China writes it), see the dry run's report line by line (create / merge / refused, with
// the refusal's code and sentence), then import for real with a progress bar. The same file keeps
// one Idempotency-Key, so a retried import applies once.
import { useState } from 'preact/hooks';
import { newIdempotencyKey } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field } from '../../components/form';
import { formatDateTime } from '../../format';
import { importAccounts, type ImportReport } from '../../api/customers';
import { tc } from '../../api/customers-i18n';
import { CUSTOMERS_CSS } from '../account/customers-style';

type Phase = 'idle' | 'checking' | 'checked' | 'importing' | 'imported';

export function ImportView() {
  const [file, setFile] = useState<{ blob: File; key: string } | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = (dryRun: boolean) => {
    if (!file) return;
    setError(null);
    setPhase(dryRun ? 'checking' : 'importing');
    importAccounts(file.blob, dryRun, dryRun ? newIdempotencyKey() : file.key)
      .then((r) => (setReport(r), setPhase(dryRun ? 'checked' : 'imported')))
      .catch((err: unknown) => (setError(err), setPhase(dryRun ? 'idle' : 'checked')));
  };

  return (
    <section aria-labelledby="import-title">
      <style>{CUSTOMERS_CSS}</style>
      <a class="back" href="#/pool">
        {tc('nav.pool')}
      </a>
      <h1 id="import-title">{tc('import.title')}</h1>
      <div class="card">
        <p class="muted small">{tc('import.intro')}</p>
        <form
          id="import-form"
          onSubmit={(e) => {
            e.preventDefault();
            run(true);
          }}
        >
          <Field label={tc('import.file')} hint={tc('import.fileHint')}>
            <input
              type="file"
              id="import-file"
              accept=".csv,text/csv"
              onChange={(e) => {
                const f = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
                setFile(f ? { blob: f, key: newIdempotencyKey() } : null);
                setReport(null);
                setPhase('idle');
              }}
            />
          </Field>
          <div class="actions">
            <button
              type="submit"
              id="import-dry-run"
              disabled={!file || phase === 'checking' || phase === 'importing'}
            >
              {tc('import.dryRun')}
            </button>
            <button
              type="button"
              class="primary"
              id="import-run"
              disabled={phase !== 'checked' || !report || report.summary.create + report.summary.merge === 0}
              onClick={() => run(false)}
            >
              {tc('import.run')}
            </button>
          </div>
        </form>
        {phase === 'checking' || phase === 'importing' ? (
          <div id="import-progress">
            <label>
              {tc(phase === 'checking' ? 'import.checking' : 'import.importing')}
              <progress />
            </label>
          </div>
        ) : null}
        <ErrorBox error={error} />
      </div>
      {report ? <ReportCard report={report} /> : null}
    </section>
  );
}

function ReportCard({ report }: { report: ImportReport }) {
  return (
    <div class="card" id="import-report" data-dry-run={String(report.dryRun)}>
      <h2>{tc(report.dryRun ? 'import.reportDry' : 'import.reportDone')}</h2>
      {!report.dryRun ? (
        <progress
          id="import-done-bar"
          max={report.lines.length || 1}
          value={report.lines.length || 1}
          aria-label={tc('import.importing')}
        />
      ) : null}
      {report.alreadyImported ? (
        <p class="notice" id="import-already">
          {tc('import.alreadyImported', { date: formatDateTime(report.importedAt) })}
        </p>
      ) : null}
      <p class="summary" id="import-summary">
        {tc(report.dryRun ? 'import.summaryDry' : 'import.summaryDone', report.summary)}
      </p>
      <table class="deals" id="import-lines">
        <caption class="visually-hidden">{tc('import.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{tc('import.line')}</th>
            <th scope="col">{tc('col.account')}</th>
            <th scope="col">{tc('import.action')}</th>
            <th scope="col">{tc('import.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {report.lines.map((l) => (
            <tr
              key={l.line}
              data-line={l.line}
              data-action={l.action}
              class={l.action === 'refuse' ? 'stalled' : ''}
            >
              <td data-label={tc('import.line')} class="num">
                {l.line}
              </td>
              <td data-label={tc('col.account')}>{l.name ?? '—'}</td>
              <td data-label={tc('import.action')}>
                <span class={`badge${l.action === 'refuse' ? ' warn' : ''}`}>
                  {tc(`import.actions.${l.action}`)}
                </span>
              </td>
              <td data-label={tc('import.reason')}>
                {l.code ? <code>{l.code}</code> : null} {l.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
