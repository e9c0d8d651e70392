import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** WebSocket opcodes (RFC 6455 section 5.2); 0x3-0x7 and 0xB-0xF are reserved. */
export const OPCODES = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface RawFrame {
  readonly opcode: number;
  readonly payload?: Buffer;
  readonly fin?: boolean;
  /** RFC 6455 requires clients to mask every frame; `false` builds the violation. */
  readonly masked?: boolean;
  /** The three reserved bits (RSV1-3) as a number 0-7; non-zero without an extension is a protocol error. */
  readonly rsv?: number;
  /** A payload length to announce in the header instead of the real one (e.g. 2^62), sending only `payload`. */
  readonly announcedLength?: bigint;
}

/** Encodes one client frame byte for byte, including frames a conforming client would never send. */
export const encodeFrame = ({ opcode, payload = Buffer.alloc(0), fin = true, masked = true, rsv = 0, announcedLength }: RawFrame): Buffer => {
  const length = announcedLength ?? BigInt(payload.length);
  const first = (fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([first, maskBit | Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 126, 1);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8(maskBit | 127, 1);
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([header, mask, body]);
};

export interface ServerClose {
  /** The close frame's status code, or undefined when the server dropped the TCP connection without one. */
  readonly code: number | undefined;
  readonly reason: string;
}

/**
 * A WebSocket client over a bare TCP socket: it performs the opening handshake, then writes whatever bytes a test
 * gives it, so it can break the protocol in ways `ws` refuses to. It decodes the server's (unmasked) frames.
 */
export class RawWebSocket {
  /** Text frames the server sent, parsed as JSON where they are JSON. */
  readonly messages: unknown[] = [];
  private buffered = Buffer.alloc(0);
  private closeFrame: ServerClose | undefined;
  private readonly ended: Promise<ServerClose>;

  private constructor(private readonly socket: Socket, rest: Buffer) {
    this.ended = new Promise((resolve) => {
      socket.on('close', () => resolve(this.closeFrame ?? { code: undefined, reason: '' }));
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    this.receive(rest);
  }

  /** Connects and completes the handshake; rejects if the server does not answer 101. */
  static connect(url: string, timeoutMs = 5000): Promise<RawWebSocket> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(target.port), target.hostname);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no handshake answer within ${timeoutMs} ms`));
      }, timeoutMs);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          reject(new Error(`handshake refused: ${status}`));
          return;
        }
        resolve(new RawWebSocket(socket, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        socket.write(
          [
            `GET ${target.pathname}${target.search} HTTP/1.1`,
            `Host: ${target.host}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
            'Sec-WebSocket-Version: 13',
            '',
            '',
          ].join('\r\n'),
        );
      });
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  send(frame: RawFrame): void {
    this.write(encodeFrame(frame));
  }

  /** A well-formed masked text frame. */
  sendText(text: string): void {
    this.send({ opcode: OPCODES.text, payload: Buffer.from(text, 'utf8') });
  }

  /** Resolves when the server closes the TCP connection, with the close frame it sent first (if any). */
  closed(): Promise<ServerClose> {
    return this.ended;
  }

  /** Resolves with the server's close frame as soon as it arrives (answering it, as a client should). */
  async closeFrameReceived(timeoutMs = 5000): Promise<ServerClose> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closeFrame) {
      if (this.socket.destroyed) return { code: undefined, reason: '' };
      if (Date.now() > deadline) throw new Error(`no close frame within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.closeFrame;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const frame = decodeServerFrame(this.buffered);
      if (!frame) return;
      this.buffered = this.buffered.subarray(frame.size);
      if (frame.opcode === OPCODES.text) {
        const text = frame.payload.toString('utf8');
        try {
          this.messages.push(JSON.parse(text));
        } catch {
          this.messages.push(text);
        }
      } else if (frame.opcode === OPCODES.close) {
        this.closeFrame = {
          code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined,
          reason: frame.payload.subarray(2).toString('utf8'),
        };
        // Complete the closing handshake, as a conforming client would.
        this.write(encodeFrame({ opcode: OPCODES.close, payload: frame.payload.subarray(0, 2) }));
        this.socket.end();
      }
    }
  }
}

const decodeServerFrame = (bytes: Buffer): { opcode: number; payload: Buffer; size: number } | undefined => {
  if (bytes.length < 2) return undefined;
  const opcode = (bytes[0] ?? 0) & 0x0f;
  let length = (bytes[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  if (bytes.length < offset + length) return undefined;
  return { opcode, payload: bytes.subarray(offset, offset + length), size: offset + length };
};
