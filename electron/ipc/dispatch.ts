import { describeZodError, INVOKE_CHANNELS, type InvokeChannel, type ReplyEnvelope } from '../../src/protocol/ipc';
import { isAppUrl } from '../security';
import type { Handlers } from './handlers';

/** What main knows about the frame that sent a request (taken from `event.senderFrame`). */
export interface SenderInfo {
  url: string;
  isMainFrame: boolean;
  /** The sending WebContents belongs to the app's main window. */
  isAppWindow: boolean;
}

export type SenderCheck = (sender: SenderInfo) => boolean;

/** Only the app's own page, in the main frame of the app's window, may use the bridge. */
export function makeSenderCheck(appOrigin: string): SenderCheck {
  return (sender) => {
    return sender.isMainFrame && sender.isAppWindow && isAppUrl(sender.url, appOrigin);
  };
}

const isInvokeChannel = (channel: string): channel is InvokeChannel => Object.hasOwn(INVOKE_CHANNELS, channel);

/**
 * The single entry of every invoke: refuses unknown channels and foreign senders, validates the
 * payload with the channel's schema, and turns every failure into a reply instead of a throw so a
 * hostile or buggy renderer can neither crash main nor get past the schema.
 */
export async function dispatch(
  handlers: Handlers,
  isTrusted: SenderCheck,
  channel: string,
  sender: SenderInfo | null,
  payload: unknown,
): Promise<ReplyEnvelope> {
  if (!isInvokeChannel(channel)) return { ok: false, error: `unknown channel ${JSON.stringify(channel.slice(0, 100))}` };
  if (sender === null || !isTrusted(sender)) {
    return { ok: false, error: `request on ${channel} refused: it did not come from the app's own page` };
  }
  const parsed = INVOKE_CHANNELS[channel].request.safeParse(payload);
  if (!parsed.success) return { ok: false, error: describeZodError(parsed.error, `invalid request on ${channel}`) };
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: `${channel} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
