/**
 * A worker that only decodes image folders, for hosts whose engine runs outside the page (the
 * desktop engine process): the same handler as the engine worker's.
 */
import { claimsImageDecode } from './imageDecodeProtocol';
import { decodeImageFolder } from './decodeImagesInWorker';

(self as unknown as { onmessage: ((event: MessageEvent<unknown>) => void) | null }).onmessage = (event) => {
  if (claimsImageDecode(event.data)) void decodeImageFolder(event.data);
};
