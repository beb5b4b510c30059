import { useLessons } from './lessonState';

/** Opens the Lessons dialog (placed in the main toolbar). */
export function LessonsButton() {
  return (
    <button type="button" onClick={() => useLessons.getState().setGalleryOpen(true)}>
      Lessons
    </button>
  );
}
