/**
 * The image folder the Training panel picked and its decoded pixels. Kept outside the document
 * store on purpose: megabytes of pixels stay out of undo history and out of saved designs.
 */
import { create } from 'zustand';
import { exposeTestHooks } from '../testHooks';
import type { DecodedImageFolder } from './decodeImageFolder';
import type { PickedImageFolder } from './pickedFolder';

export interface ImageFolderState {
  picked: PickedImageFolder | null;
  decoded: DecodedImageFolder | null;
  progress: { done: number; total: number } | null;
  error: string | null;
}

export const useImageFolder = create<ImageFolderState>(() => ({ picked: null, decoded: null, progress: null, error: null }));

exposeTestHooks({ __rescanvasImageFolder: useImageFolder });
