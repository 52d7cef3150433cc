// The signed-in user, shared by the whole app.
import { createContext, useContext } from 'react';
import type { ApiData } from './api/hooks';

export type Me = ApiData<'/api/auth/me'>['user'];

export const SessionContext = createContext<{ user: Me | null; setUser: (u: Me | null) => void }>({ user: null, setUser: () => {} });

/** The signed-in user (null before sign-in). */
export function useSession() {
  return useContext(SessionContext);
}
