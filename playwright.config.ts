import { defineConfig } from '@playwright/test';

/** Debian's Chromium; WebGPU comes from its SwiftShader (a CPU Vulkan), see README "Testing". */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Where the built demo is served during tests. */
export const DEMO_URL = 'http://127.0.0.1:4174/';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 300_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: 'http://127.0.0.1:5173',
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: [
    {
      command: 'npx vite --logLevel warn',
      url: 'http://127.0.0.1:5173/e2e/pages/ort-parity.html',
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // The demo as users get it: the static build, served as a static host would.
      command: 'npm run build:site && npx vite preview --mode demo --port 4174',
      url: DEMO_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
});
