import { useEffect, useState, type RefObject } from 'react';

/**
 * Watches whether an element is in the viewport (and rendered: content of a closed <details> never
 * intersects). Live charts use it to skip work nobody can see and catch up when they come back.
 */
export function watchOnScreen(el: Element, onChange: (visible: boolean) => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    onChange(true);
    return () => {};
  }
  const observer = new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1];
    if (entry) onChange(entry.isIntersecting);
  });
  observer.observe(el);
  return () => observer.disconnect();
}

/** The same as a React state, for components that render differently when off-screen. */
export function useOnScreen(ref: RefObject<Element | null>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    return watchOnScreen(el, setVisible);
  }, [ref]);
  return visible;
}
