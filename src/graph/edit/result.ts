import type { Design } from '../design';

/** Every editing operation returns a new design (sharing unchanged parts) or says why it refused. */
export type EditResult =
  { ok: true; design: Design; /** ids the UI should select afterwards */ selection: string[]; note?: string } | { ok: false; message: string };

export const refuse = (message: string): EditResult => ({ ok: false, message });
