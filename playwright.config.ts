import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/** Debian's Chromium when present (offline machines cannot run `npx playwright install`), else Playwright's own. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
/** Not Vite's dev port, so a dev server left running is never mistaken for the build; RESCANVAS_E2E_PORT lets two checkouts test side by side. */
const PORT = Number(process.env.RESCANVAS_E2E_PORT ?? 5174);

/** Browser tests on the web build of the renderer, in Debian's Chromium (no Playwright browser download). */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two shared cores: one browser at a time keeps timings honest.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: `http://127.0.0.1:${PORT}/`,
    headless: true,
    viewport: { width: 1400, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
      // WebGPU on SwiftShader (test/e2e/backends.spec.ts); the app refuses software adapters unless a test forces one.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--enable-unsafe-webgpu',
        '--use-webgpu-adapter=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  // The production build under `vite preview`: what ships, CSP included. The dev server reloaded pages
  // mid-test (late dependency discovery on a clean clone, or a file saved elsewhere) and wiped the canvas.
  // `npm test` builds just before, so it sets RESCANVAS_E2E_PREBUILT and the build is not repeated.
  webServer: {
    command: `${process.env.RESCANVAS_E2E_PREBUILT ? '' : 'npx vite build --logLevel warn && '}npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 180_000,
  },
});
