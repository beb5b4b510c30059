/** An image folder a host picked: its files not yet read (a File reads from disk when decoded). */
export interface PickedFile {
  /** Relative to the folder, '/'-separated: "cats/001.png". */
  path: string;
  bytes: number;
  blob: Blob;
}

export interface PickedImageFolder {
  /** The folder's display name (never a path the page may use to reach the disk). */
  name: string;
  files: PickedFile[];
  /** Entries the host refused while listing (links out of the folder, devices), each with why. */
  refused: string[];
}

/** `unsupported`: this host has no folder dialog; the UI offers its file input instead. */
export type ImageFolderResult =
  { status: 'picked'; folder: PickedImageFolder } | { status: 'cancelled' } | { status: 'unsupported'; message: string } | { status: 'error'; message: string };

/** The fallback `<input webkitdirectory>`: each File's webkitRelativePath starts with the chosen folder's name. */
export function folderFromInputFiles(files: ArrayLike<File>): PickedImageFolder | null {
  const list = Array.from(files);
  if (list.length === 0) return null;
  const name = (list[0].webkitRelativePath || list[0].name).split('/')[0];
  return {
    name,
    refused: [],
    files: list.map((f) => {
      const parts = (f.webkitRelativePath || f.name).split('/');
      return { path: parts.slice(1).join('/') || f.name, bytes: f.size, blob: f };
    }),
  };
}
