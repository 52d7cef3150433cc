// The signed-in user, shared by the whole app.
import { createContext, useContext } from 'react';

import type { paths as Paths } from './api/schema';
export type Me = Paths['/api/auth/me']['get']['responses'][200]['content']['application/json']['user'];

export const SessionContext = createContext<{ user: Me | null; setUser: (u: Me | null) => void }>({ user: null, setUser: () => {} });

/** The signed-in user (null before sign-in). */
export function useSession() {
  return useContext(SessionContext);
}
