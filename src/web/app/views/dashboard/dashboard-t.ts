// The dashboard's strings: its own i18next namespace (src/i18n/locales/<locale>/dashboard.json).
import zh from '../../../../i18n/locales/zh-CN/dashboard.json';
import en from '../../../../i18n/locales/en/dashboard.json';
import { addCatalogs, i18n } from '../../i18n';

addCatalogs('dashboard', { 'zh-CN': zh, en });

export const td = (key: string, values: Record<string, unknown> = {}): string =>
  String(i18n.t(key, { ...values, ns: 'dashboard' }));
