// The weekly view's strings (src/i18n/locales/<locale>/weekly-view.json); the report's own text
// comes worded from the API, from the same catalog as the mail.
import zh from '../../../../i18n/locales/zh-CN/weekly-view.json';
import en from '../../../../i18n/locales/en/weekly-view.json';
import { addCatalogs, i18n } from '../../i18n';

addCatalogs('weekly-view', { 'zh-CN': zh, en });

export const tw = (key: string, values: Record<string, unknown> = {}): string =>
  String(i18n.t(key, { ...values, ns: 'weekly-view' }));
