import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api/client';
import { Logo, ThemeToggle } from '../components/Layout';

/** Only paths inside this app are followed after signing in. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/signin')) return '/';
  return next;
}

/** /signin for someone already signed in: go on to where they were headed. */
export function AfterSignIn() {
  const [params] = useSearchParams();
  return <Navigate to={safeNext(params.get('next'))} replace />;
}

export function SignIn({ onSignedIn }: { onSignedIn: (user: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(username, password);
      // The signed-in app answers /signin by going on to `next` (see App).
      onSignedIn(username);
    } catch (err) {
      const ae = err instanceof ApiError ? err : undefined;
      setError(
        ae?.status === 401
          ? 'That user name and password do not match. Check both and try again.'
          : ae?.problem.detail || ae?.message || 'Signing in failed. Try again.',
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin-page">
      <div className="signin-top">
        <Logo />
        <ThemeToggle />
      </div>
      <main id="main" className="signin-card">
        <h1>Sign in</h1>
        <p className="muted">See which data is fresh and which is not.</p>
        <form onSubmit={submit} noValidate>
          <label className="form-field">
            <span>User name</span>
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </label>
          <label className="form-field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={busy || !username || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
