// What every view knows about the signed-in person: who they are, the process definition, the
// users they may see (for names), and the shell's actions (toast, locale, approval badge).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { currentLocale, t } from './i18n';
import type { Bilingual, ProcessDefinition, User } from './types';

export interface Session {
  me: User;
  process: ProcessDefinition;
  /** id → user, for the users the caller may see (their reporting line). */
  users: Map<string, User>;
  toast(message: string): void;
  refreshApprovalCount(): void;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in shell');
  return session;
}

/** A 中文/English label of the process definition in the user's locale (never both). */
export function label(b: Bilingual | null | undefined): string {
  if (!b) return '';
  return currentLocale() === 'en' ? b.en : b.zh;
}

export function milestoneName(process: ProcessDefinition, key: string | null | undefined): string {
  if (!key) return '—';
  if (process.execution.key === key) return label(process.execution.name);
  const m = process.milestones.find((x) => x.key === key);
  return m ? label(m.name) : key;
}

export function criterionLabel(process: ProcessDefinition, key: string): string {
  for (const m of process.milestones) {
    const c = m.criteria.find((x) => x.key === key);
    if (c) return label(c.label);
    if (m.approvalGate?.key === key) return label(m.approvalGate.label);
  }
  return key;
}

export function userName(session: Pick<Session, 'me' | 'users'>, id: string | null | undefined): string {
  if (!id) return '—';
  const { me } = session;
  if (id === me.id) return t('user.me', { name: me.name });
  const user = session.users.get(id);
  if (user) return user.name;
  if (id === me.managerId) return t('user.myManager', { id: id.slice(0, 8) });
  return t('user.unknown', { id: id.slice(0, 8) });
}
