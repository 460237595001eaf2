// A composed report (the weekly report, a deal's weekly project report): heading, greeting, intro,
// sections of paragraphs and tables, footer, exactly as the API words it for the mail.
import { DASHBOARD_CSS } from '../dashboard/dashboard-style';
import { DataTable } from '../dashboard/data-table';

export interface ReportContent {
  heading: string;
  greeting: string;
  intro: string;
  sections: {
    title: string;
    blocks: (
      | { kind: 'text'; text: string }
      | { kind: 'table'; table: { headers: string[]; rows: string[][]; numeric: number[] } }
    )[];
  }[];
  footer: string;
}

export function ReportContentView({
  content,
  subtitle,
  id,
  lang,
}: {
  content: ReportContent;
  subtitle?: string;
  id: string;
  lang: string;
}) {
  return (
    <article class="card weekly-report" id={id} lang={lang}>
      {/* The tables' styles, for a page that shows a report without the weekly view around it. */}
      <style>{DASHBOARD_CSS}</style>
      <h2>{content.heading}</h2>
      {subtitle ? <p class="muted small">{subtitle}</p> : null}
      <p>{content.greeting}</p>
      <p>{content.intro}</p>
      {content.sections.map((section, s) => (
        <section key={s} class="weekly-section" aria-labelledby={`${id}-section-${s}`}>
          <h3 id={`${id}-section-${s}`}>{section.title}</h3>
          {section.blocks.map((block, b) =>
            block.kind === 'text' ? (
              <p key={b}>{block.text}</p>
            ) : (
              <DataTable key={b} id={`${id}-table-${s}-${b}`} table={block.table} caption={section.title} />
            ),
          )}
        </section>
      ))}
      <p class="muted small">{content.footer}</p>
    </article>
  );
}
