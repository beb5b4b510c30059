/**
 * Serves the built renderer from `app://rescanvas/` instead of file:// (Electron's checklist: a
 * custom protocol gives the page a real origin, so 'self' in the CSP and the sender check mean
 * exactly the app's files, and no other file on disk is reachable by URL).
 */
import { promises as fs } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './isolationHeaders';

export const APP_SCHEME = 'app';
export const APP_HOST = 'rescanvas';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Maps an app:// URL to a file under `root`, or null for anything else (other hosts, `..`). */
export function resolveAppUrl(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(join(base, pathname === '/' ? 'index.html' : pathname));
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

export async function serveAppRequest(url: string, root: string): Promise<Response> {
  const file = resolveAppUrl(url, root);
  if (file === null) return new Response('Not found', { status: 404 });
  try {
    const body = await fs.readFile(file);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Content-Type-Options': 'nosniff',
        ...CROSS_ORIGIN_ISOLATION_HEADERS,
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
