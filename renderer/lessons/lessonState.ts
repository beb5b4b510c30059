import { create } from 'zustand';
import type { LessonOutcome, LessonVariant } from '../../src/lessons';

export interface LessonRunLine {
  key: string;
  label: string;
  /** Latest training loss (running mean of the epoch) and steps done / total. */
  loss: number | null;
  step: number;
  totalSteps: number;
  done: boolean;
}

export type LessonPhase =
  | { kind: 'idle' }
  | { kind: 'running'; variant: LessonVariant; current: number; count: number }
  | { kind: 'finished'; variant: LessonVariant; outcome: LessonOutcome; seconds: number }
  | { kind: 'failed'; message: string };

interface LessonUi {
  galleryOpen: boolean;
  /** The lesson shown in the lesson panel, if any. */
  activeId: string | null;
  phase: LessonPhase;
  runs: LessonRunLine[];
  notes: string[];
  setGalleryOpen(open: boolean): void;
  show(id: string | null): void;
  setPhase(phase: LessonPhase): void;
  setRuns(update: (runs: LessonRunLine[]) => LessonRunLine[]): void;
  setNotes(notes: string[]): void;
}

/** The lessons' own UI state, apart from the app store (designs, selection, training panel). */
export const useLessons = create<LessonUi>((set) => ({
  galleryOpen: false,
  activeId: null,
  phase: { kind: 'idle' },
  runs: [],
  notes: [],
  setGalleryOpen: (galleryOpen) => set({ galleryOpen }),
  show: (activeId) => set({ activeId, phase: { kind: 'idle' }, runs: [], notes: [] }),
  setPhase: (phase) => set({ phase }),
  setRuns: (update) => set((s) => ({ runs: update(s.runs) })),
  setNotes: (notes) => set({ notes }),
}));
