// The customer pages' strings (src/i18n/locales/<locale>/customers-web.json), and the labels the
// process definition gives the six funnel steps and the business signals.
import zh from '../../../i18n/locales/zh-CN/customers-web.json';
import en from '../../../i18n/locales/en/customers-web.json';
import { addCatalogs, i18n } from '../i18n';
import { label } from '../session';
import type { Bilingual, ProcessDefinition } from '../types';

addCatalogs('customers-web', { 'zh-CN': zh, en });

export const tc = (key: string, values: Record<string, unknown> = {}): string =>
  String(i18n.t(key, { ...values, ns: 'customers-web' }));

/** The process definition's customer funnel (C2's `customerFunnel` block), when it has one. */
interface CustomerFunnel {
  steps?: { key: string; name: Bilingual }[];
  businessSignals?: { key: string; name: Bilingual }[];
  salesActionTypes?: string[];
  claims?: { capDefault?: number; lapseWorkingDays?: number; warnWorkingDaysBefore?: number };
}

export function customerFunnel(process: ProcessDefinition): CustomerFunnel {
  return ((process as unknown as { customerFunnel?: CustomerFunnel }).customerFunnel ?? {}) as CustomerFunnel;
}

export function funnelStepName(process: ProcessDefinition, key: string | null | undefined): string {
  if (!key) return '—';
  const step = customerFunnel(process).steps?.find((s) => s.key === key);
  if (step) return label(step.name);
  return i18n.exists(`step.${key}`, { ns: 'customers-web' }) ? tc(`step.${key}`) : key;
}

export function signalName(process: ProcessDefinition, key: string): string {
  const s = customerFunnel(process).businessSignals?.find((x) => x.key === key);
  return s ? label(s.name) : key;
}

export const SALES_ACTION_TYPES = ['visit', 'call', 'meeting', 'email'];
