// App-wide values: the signed-in user and the server's display time zone.

import { createContext, useContext } from 'react';

export interface Session {
  user: string | null;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session>({ user: null, signOut: async () => {} });
export const TimezoneContext = createContext<string>('UTC');

export function useSession(): Session {
  return useContext(SessionContext);
}

export function useTimezone(): string {
  return useContext(TimezoneContext);
}
