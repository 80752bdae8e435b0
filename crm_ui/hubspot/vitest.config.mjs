// HubSpot card tests: the vendor's testing utilities (@hubspot/ui-extensions/testing) in vitest.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['hubspot/tests/**/*.test.jsx'],
    environment: 'node',
  },
});
