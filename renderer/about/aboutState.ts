import { create } from 'zustand';

/** Whether Help ▸ About is showing; its own small store, apart from the design and UI slices. */
export const useAbout = create<{ open: boolean; setOpen(open: boolean): void }>((set) => ({
  open: false,
  setOpen: (open) => set({ open }),
}));
