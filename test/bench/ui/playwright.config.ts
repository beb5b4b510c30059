import { defineConfig } from '@playwright/test';

/**
 * A second production build to compare against, side by side in one run (e.g. the parent commit's
 * `vite build --outDir <dir>`): served on port 5177 and streamed interleaved with this one.
 */
const baseline = process.env.BENCH_BASELINE_DIST;
/** RESCANVAS_BENCH_PORT lets two checkouts run the benchmark side by side. */
const PORT = Number(process.env.RESCANVAS_BENCH_PORT ?? 5176);

/** UI benchmark on the production build (dev-mode React is several times slower and not what users run). */
export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  outputDir: '../../../test-results/bench-ui',
  timeout: 300_000,
  workers: 1,
  // The summary puts the canvas and overlay figures side by side at the end of the run.
  reporter: [['list'], ['./summary.ts']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    headless: true,
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: [
    {
      // RESCANVAS_E2E_PREBUILT: the web build in dist/web is current; serve it without building again.
      command: `${process.env.RESCANVAS_E2E_PREBUILT ? '' : 'npx vite build --logLevel warn && '}npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
      url: `http://127.0.0.1:${PORT}/`,
      cwd: '../../..',
      reuseExistingServer: false,
      timeout: 180_000,
    },
    ...(baseline
      ? [
          {
            command: `npx vite preview --host 127.0.0.1 --port 5177 --strictPort --outDir ${JSON.stringify(baseline)}`,
            url: 'http://127.0.0.1:5177/',
            cwd: '../../..',
            reuseExistingServer: false,
            timeout: 60_000,
          },
        ]
      : []),
  ],
});
