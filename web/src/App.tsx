import { useCallback, useEffect, useMemo, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api, ApiError, clearCache, setUnauthorizedHandler } from './api/client';
import type { Summary } from './api/types';
import { useApi } from './api/useApi';
import { Layout } from './components/Layout';
import { ErrorState, Loading } from './components/States';
import { SessionContext, TimezoneContext } from './lib/context';
import { AssetPage } from './pages/AssetPage';
import { Browse } from './pages/Browse';
import { IncidentPage } from './pages/IncidentPage';
import { Incidents } from './pages/Incidents';
import { Overview } from './pages/Overview';
import { Unused } from './pages/Unused';
import { AfterSignIn, SignIn } from './pages/SignIn';

type Auth = { state: 'checking' } | { state: 'in'; user: string } | { state: 'out' } | { state: 'error'; error: ApiError };

export function App() {
  const [auth, setAuth] = useState<Auth>({ state: 'checking' });
  const navigate = useNavigate();
  const location = useLocation();

  const check = useCallback(() => {
    setAuth({ state: 'checking' });
    api.session().then(
      (s) => setAuth({ state: 'in', user: s.user }),
      (e: ApiError) => setAuth(e.status === 401 ? { state: 'out' } : { state: 'error', error: e }),
    );
  }, []);
  useEffect(check, [check]);

  // Any 401 (an expired session) sends the user to sign in and back to this page afterwards.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setAuth({ state: 'out' });
      const here = window.location.pathname + window.location.search;
      if (!window.location.pathname.startsWith('/signin')) navigate(`/signin?next=${encodeURIComponent(here)}`, { replace: true });
    });
  }, [navigate]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch {
      /* the cookie is gone either way once the server forgets the session */
    }
    clearCache();
    setAuth({ state: 'out' });
    navigate('/signin', { replace: true });
  }, [navigate]);

  const session = useMemo(() => ({ user: auth.state === 'in' ? auth.user : null, signOut }), [auth, signOut]);

  if (auth.state === 'checking') return <Loading label="Starting…" />;
  if (auth.state === 'error')
    return (
      <main className="main">
        <ErrorState error={auth.error} onRetry={check} what="freshwatch" />
      </main>
    );

  if (auth.state === 'out') {
    return (
      <Routes>
        <Route path="/signin" element={<SignIn onSignedIn={(user) => setAuth({ state: 'in', user })} />} />
        <Route path="*" element={<Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />} />
      </Routes>
    );
  }

  return (
    <SessionContext.Provider value={session}>
      <SignedIn />
    </SessionContext.Provider>
  );
}

function SignedIn() {
  const summary = useApi<Summary>('/api/v1/summary');
  const tz = summary.data?.timezone || 'UTC';
  return (
    <TimezoneContext.Provider value={tz}>
      <Layout>
        <Routes>
          <Route path="/" element={<Overview />} />
          <Route path="/browse" element={<Browse />} />
          <Route path="/browse/:key" element={<Browse />} />
          <Route path="/assets/:key" element={<AssetPage />} />
          <Route path="/unused" element={<Unused />} />
          <Route path="/incidents" element={<Incidents />} />
          <Route path="/incidents/:id" element={<IncidentPage />} />
          <Route path="/signin" element={<AfterSignIn />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Layout>
    </TimezoneContext.Provider>
  );
}

function NotFound() {
  return (
    <div className="state state-empty">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </div>
  );
}
