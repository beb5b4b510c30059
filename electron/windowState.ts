/** Remembers the main window's size and position between runs, kept on a visible display. */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './files/atomicWrite';

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };

export async function loadWindowState(dir: string): Promise<WindowState> {
  try {
    const parsed = WindowState.safeParse(JSON.parse(await fs.readFile(join(dir, 'window-state.json'), 'utf8')));
    return parsed.success ? parsed.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

export async function saveWindowState(dir: string, state: WindowState): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'window-state.json'), JSON.stringify(state));
}

/**
 * A window remembered on a monitor that is gone would open off-screen: keep the position only if
 * the title bar area overlaps a current display's work area, and never exceed that display.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const display = workAreas.find((a) => x + 100 > a.x && x < a.x + a.width - 100 && y >= a.y - 10 && y < a.y + a.height - 50);
  if (!display) return { width: state.width, height: state.height, maximized: state.maximized };
  return { ...state, width: Math.min(state.width, display.width), height: Math.min(state.height, display.height) };
}
