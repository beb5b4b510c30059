/**
 * Electron's security checklist in one place: isolated sandboxed renderers, a strict CSP, no new
 * windows, no navigation away from the app, no permissions, no <webview>.
 */
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';

export { CONTENT_SECURITY_POLICY };

/**
 * scheme://host[:port] of a URL. Not `URL.origin`: outside Chromium (Node, tests) a custom scheme
 * such as app:// has the opaque origin "null", which would make every app:// URL look foreign.
 */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

/** A navigation is allowed only to the page the app itself loaded (reloads). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  return originOf(url) === appOrigin;
}

/**
 * `enforceCsp` is false only against Vite's dev server, whose hot-reload preamble is an inline
 * script; packaged and `npm start` runs load app:// and always enforce it.
 */
export function hardenSession(session: Session, appOrigin: string, enforceCsp: boolean): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // Beside the header app:// responses carry, so any response from the app origin gets the policy.
  if (!enforceCsp) return;
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // The scanner cannot read a named constant; scan-electron.mjs checks the same policy in index.html's meta tag.
    if (isAppUrl(details.url, appOrigin)) headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; /* eng-disable CSP_GLOBAL_CHECK */
    callback({ responseHeaders: headers });
  });
}

export function hardenWebContents(contents: WebContents, appOrigin: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
