import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { type Role, type Session } from './api/types';

const ORDER: Role[] = ['viewer', 'operator', 'admin'];

/** Whether `held` includes everything `required` may do (the server enforces it anyway). */
export const roleAllows = (held: Role, required: Role): boolean =>
  ORDER.indexOf(held) >= ORDER.indexOf(required);

export interface SessionState {
  session: Session;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside a signed-in page');
  return state;
}

/** Whether the signed-in user holds `role`: used to hide actions the server would refuse. */
export const useCan = (role: Role): boolean => roleAllows(useSession().session.role, role);
