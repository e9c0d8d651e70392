import { ConnectionGoneError } from '../lambdas/core/errors';
import type { ServerFrame } from '../lambdas/core/protocol';
import type { Messenger } from '../lambdas/ports';
import type { WebSocketEmulator } from './websocket-emulator';

/**
 * The offline stack's messenger: `postToConnection` called on the emulator in process. Over HTTP each frame cost a
 * signed SDK call and an emulated management request on the same core (about a third of the offline CPU per
 * answer, /work/notes/profile-11.md); the frame, the 410 and the post counts are the same. The SDK path
 * (lambdas/adapters/apigw-messenger.ts, what AWS runs) stays one switch away: LOCAL_MESSENGER=sdk.
 */
export class EmulatorMessenger implements Messenger {
  constructor(private readonly emulator: Pick<WebSocketEmulator, 'postToConnection'>) {}

  async send(connectionId: string, frame: ServerFrame): Promise<void> {
    const posted = this.emulator.postToConnection(connectionId, JSON.stringify(frame));
    if (posted === 'gone') throw new ConnectionGoneError(connectionId);
    // As the SDK would throw the 413 PayloadTooLargeException: a failure of ours, not the client's leaving.
    if (posted === 'too_large') throw new Error(`frame for ${connectionId} exceeds the 128 KB postToConnection limit`);
  }
}
