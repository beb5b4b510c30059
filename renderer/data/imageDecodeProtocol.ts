/**
 * The one message kind the engine worker takes besides the engine protocol: decode an image folder.
 * Files go as Blobs (a File is passed by reference, not copied); replies come back on the request's
 * own MessagePort, so the engine's message stream and its validation are untouched.
 */
import { z } from 'zod';
import { MAX_IMAGE_CLASSES, MAX_IMAGE_SIDE, MAX_IMAGES } from '../../src/engine/datasets/images';

export const IMAGE_DECODE_TYPE = 'images:decode';

const side = z.number().int().min(1).max(MAX_IMAGE_SIDE);

export const ImageDecodeRequest = z.strictObject({
  type: z.literal(IMAGE_DECODE_TYPE),
  files: z
    .array(
      z.strictObject({
        path: z.string().min(1).max(4096),
        label: z
          .number()
          .int()
          .min(0)
          .max(MAX_IMAGE_CLASSES - 1),
        blob: z.instanceof(Blob),
      }),
    )
    .min(1)
    .max(MAX_IMAGES),
  /** [height, width, channels]; null: the first decodable image sets them and every other must match (`--fit`). */
  target: z.tuple([side, side, z.union([z.literal(1), z.literal(3)])]).nullable(),
  port: z.instanceof(MessagePort),
});
export type ImageDecodeRequest = z.infer<typeof ImageDecodeRequest>;

export const ImageDecodeReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('progress'), done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.strictObject({
    type: z.literal('done'),
    height: side,
    width: side,
    channels: z.union([z.literal(1), z.literal(3)]),
    pixels: z.instanceof(Uint8Array),
    labels: z.instanceof(Int32Array),
    skipped: z.array(z.strictObject({ path: z.string(), reason: z.string() })),
  }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);
export type ImageDecodeReply = z.infer<typeof ImageDecodeReply>;

/** A cheap look at the type field, so the worker only validates what claims to be this kind. */
export function claimsImageDecode(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === IMAGE_DECODE_TYPE;
}
