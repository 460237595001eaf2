// The board's strings: its own i18next namespace (src/i18n/locales/<locale>/board.json).
import zh from '../../../../i18n/locales/zh-CN/board.json';
import en from '../../../../i18n/locales/en/board.json';
import { addCatalogs, i18n } from '../../i18n';

addCatalogs('board', { 'zh-CN': zh, en });

export const tb = (key: string, values: Record<string, unknown> = {}): string =>
  String(i18n.t(key, { ...values, ns: 'board' }));
