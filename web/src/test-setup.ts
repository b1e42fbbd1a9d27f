import { afterEach } from 'vitest';

// Component tests (marked `@vitest-environment jsdom`) unmount what they rendered.
afterEach(async () => {
  if (typeof document !== 'undefined') (await import('@testing-library/react')).cleanup();
});
