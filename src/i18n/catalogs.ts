// Every catalog, imported statically so the browser bundle (esbuild) and Node load them the same way,
// with no file reads at run time. A new namespace: add its two imports and its NAMESPACES entry here;
// test/i18n/catalogs.test.ts fails on a JSON file under locales/ that is not registered.
import type { TLocale } from './locales';

import CommonZh from './locales/zh-CN/common.json';
import CommonEn from './locales/en/common.json';
import MailZh from './locales/zh-CN/mail.json';
import MailEn from './locales/en/mail.json';
import WeeklyZh from './locales/zh-CN/weekly.json';
import WeeklyEn from './locales/en/weekly.json';
import LinksZh from './locales/zh-CN/links.json';
import LinksEn from './locales/en/links.json';
import ErrorsZh from './locales/zh-CN/errors.json';
import ErrorsEn from './locales/en/errors.json';
import AuthZh from './locales/zh-CN/auth.json';
import AuthEn from './locales/en/auth.json';
import WebZh from './locales/zh-CN/web.json';
import WebEn from './locales/en/web.json';
import BoardZh from './locales/zh-CN/board.json';
import BoardEn from './locales/en/board.json';
import DashboardZh from './locales/zh-CN/dashboard.json';
import DashboardEn from './locales/en/dashboard.json';
import WeeklyViewZh from './locales/zh-CN/weekly-view.json';
import WeeklyViewEn from './locales/en/weekly-view.json';
import ImZh from './locales/zh-CN/im.json';
import ImEn from './locales/en/im.json';
import ChatZh from './locales/zh-CN/chat.json';
import ChatEn from './locales/en/chat.json';
import LtcZh from './locales/zh-CN/ltc.json';
import LtcEn from './locales/en/ltc.json';
import CalendarZh from './locales/zh-CN/calendar.json';
import CalendarEn from './locales/en/calendar.json';
import ProjectReportZh from './locales/zh-CN/project-report.json';
import ProjectReportEn from './locales/en/project-report.json';
import WeeklyImZh from './locales/zh-CN/weekly-im.json';
import WeeklyImEn from './locales/en/weekly-im.json';
import AccountsZh from './locales/zh-CN/accounts.json';
import AccountsEn from './locales/en/accounts.json';
import CustomersWebZh from './locales/zh-CN/customers-web.json';
import CustomersWebEn from './locales/en/customers-web.json';
import CustomerReportsZh from './locales/zh-CN/customer-reports.json';
import CustomerReportsEn from './locales/en/customer-reports.json';
import ClaimsZh from './locales/zh-CN/claims.json';
import ClaimsEn from './locales/en/claims.json';
import ProcessPreviewZh from './locales/zh-CN/process-preview.json';
import ProcessPreviewEn from './locales/en/process-preview.json';

/** A catalog: nested objects of strings (i18next's default JSON format). */
export interface Catalog {
  [key: string]: string | Catalog;
}

export const CATALOGS = {
  'zh-CN': {
    common: CommonZh,
    mail: MailZh,
    weekly: WeeklyZh,
    links: LinksZh,
    errors: ErrorsZh,
    auth: AuthZh,
    web: WebZh,
    board: BoardZh,
    dashboard: DashboardZh,
    'weekly-view': WeeklyViewZh,
    im: ImZh,
    chat: ChatZh,
    ltc: LtcZh,
    calendar: CalendarZh,
    'project-report': ProjectReportZh,
    'weekly-im': WeeklyImZh,
    accounts: AccountsZh,
    'customers-web': CustomersWebZh,
    'customer-reports': CustomerReportsZh,
    claims: ClaimsZh,
    'process-preview': ProcessPreviewZh,
  },
  en: {
    common: CommonEn,
    mail: MailEn,
    weekly: WeeklyEn,
    links: LinksEn,
    errors: ErrorsEn,
    auth: AuthEn,
    web: WebEn,
    board: BoardEn,
    dashboard: DashboardEn,
    'weekly-view': WeeklyViewEn,
    im: ImEn,
    chat: ChatEn,
    ltc: LtcEn,
    calendar: CalendarEn,
    'project-report': ProjectReportEn,
    'weekly-im': WeeklyImEn,
    accounts: AccountsEn,
    'customers-web': CustomersWebEn,
    'customer-reports': CustomerReportsEn,
    claims: ClaimsEn,
    'process-preview': ProcessPreviewEn,
  },
} satisfies Record<TLocale, Record<string, Catalog>>;

export type TNamespace = keyof (typeof CATALOGS)['zh-CN'];
export const NAMESPACES = Object.keys(CATALOGS['zh-CN']) as TNamespace[];
