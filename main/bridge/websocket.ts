/**
 * A minimal RFC 6455 WebSocket server side, enough for the events channel: the opening
 * handshake (Sec-WebSocket-Accept), server→client text frames, answering pings, and the closing
 * handshake. Client data frames are read (unmasked, bounded) and ignored. No extensions, no
 * subprotocols, no external package.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Largest client frame payload accepted (client data is ignored anyway). */
export const MAX_CLIENT_PAYLOAD = 64 * 1024;

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** Why a request cannot be upgraded (null when it can). */
export function handshakeProblem(req: IncomingMessage): string | null {
  if (req.method !== 'GET') return 'a WebSocket handshake uses GET';
  if (!/\bwebsocket\b/i.test(req.headers.upgrade ?? '')) return 'the Upgrade header must be websocket';
  if (!/\bupgrade\b/i.test(req.headers.connection ?? '')) return 'the Connection header must include Upgrade';
  if (req.headers['sec-websocket-version'] !== '13') return 'only WebSocket version 13 is supported';
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) return 'Sec-WebSocket-Key must be 16 bytes in base64';
  return null;
}

/** One unmasked server frame (FIN set). */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  let header: Buffer;
  if (n < 126) {
    header = Buffer.from([0x80 | opcode, n]);
  } else if (n < 65536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  /** Unmasked payload. */
  readonly payload: Buffer;
}

export type ParseResult = { readonly frames: Frame[]; readonly rest: Buffer } | { readonly error: string; readonly status: number };

/**
 * Parses the complete frames at the start of `buf` (client frames must be masked). Returns them
 * and the unparsed remainder, or an error with the close status to send (1002 protocol error,
 * 1009 too big).
 */
export function parseFrames(buf: Buffer, maxPayload = MAX_CLIENT_PAYLOAD): ParseResult {
  const frames: Frame[] = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const b0 = buf[at];
    const b1 = buf[at + 1];
    if ((b0 & 0x70) !== 0) return { error: 'reserved bits set (no extensions were negotiated)', status: 1002 };
    const masked = (b1 & 0x80) !== 0;
    if (!masked) return { error: 'client frames must be masked', status: 1002 };
    let len = b1 & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - at < 4) break;
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - at < 10) break;
      const big = buf.readBigUInt64BE(at + 2);
      if (big > BigInt(maxPayload)) return { error: 'frame too large', status: 1009 };
      len = Number(big);
      head = 10;
    }
    if (len > maxPayload) return { error: 'frame too large', status: 1009 };
    const opcode = b0 & 0x0f;
    if (opcode >= 0x8 && (len > 125 || (b0 & 0x80) === 0)) return { error: 'control frames must be short and unfragmented', status: 1002 };
    if (buf.length - at < head + 4 + len) break;
    const mask = buf.subarray(at + head, at + head + 4);
    const payload = Buffer.alloc(len);
    const start = at + head + 4;
    for (let i = 0; i < len; i++) payload[i] = buf[start + i] ^ mask[i & 3];
    frames.push({ fin: (b0 & 0x80) !== 0, opcode, payload });
    at = start + len;
  }
  return { frames, rest: buf.subarray(at) };
}

/** A connected client: send text, answer pings, close cleanly. */
export class WsConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private closing = false;
  private closedFlag = false;

  constructor(
    private readonly socket: Duplex,
    private readonly onClose: (c: WsConnection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    // The peer closed its side: close ours too (the socket is half-open otherwise and keeps the
    // server from closing).
    socket.on('end', () => {
      socket.end();
      this.finish();
    });
    socket.on('error', () => this.finish());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  sendText(text: string): void {
    if (this.closing || this.closedFlag) return;
    this.socket.write(encodeFrame(OPCODE.text, Buffer.from(text, 'utf8')));
  }

  /** Starts the closing handshake (status 1000 by default) and ends the socket soon after. */
  close(status = 1000, reason = ''): void {
    if (this.closedFlag) return;
    if (!this.closing) {
      this.closing = true;
      const body = Buffer.alloc(2 + Buffer.byteLength(reason));
      body.writeUInt16BE(status, 0);
      body.write(reason, 2);
      this.socket.write(encodeFrame(OPCODE.close, body.subarray(0, Math.min(body.length, 125))));
    }
    this.socket.end();
    setTimeout(() => {
      if (!this.closedFlag) this.socket.destroy();
    }, 1000).unref();
  }

  /** Drops the connection at once (server shutdown). */
  destroy(): void {
    this.socket.destroy();
    this.finish();
  }

  private receive(chunk: Buffer): void {
    if (this.closedFlag) return;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const r = parseFrames(this.buffered);
    if ('error' in r) {
      this.buffered = Buffer.alloc(0);
      this.close(r.status, r.error);
      return;
    }
    this.buffered = Buffer.from(r.rest);
    for (const f of r.frames) {
      if (f.opcode === OPCODE.ping) {
        if (!this.closing) this.socket.write(encodeFrame(OPCODE.pong, f.payload));
      } else if (f.opcode === OPCODE.close) {
        const status = f.payload.length >= 2 ? f.payload.readUInt16BE(0) : 1000;
        this.close(status === 1005 || status === 1006 ? 1000 : status);
        return;
      }
      // text, binary, continuation and pong frames from the client are ignored
    }
  }

  private finish(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.onClose(this);
  }
}

/** Completes the opening handshake on `socket` (handshakeProblem(req) must be null), sending `headers` too. */
export function acceptUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  onClose: (c: WsConnection) => void,
  headers: Readonly<Record<string, string>> = {},
): WsConnection {
  const key = String(req.headers['sec-websocket-key']);
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      extra.join('') +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  if (head.length > 0) socket.unshift(head);
  if ('setTimeout' in socket && typeof socket.setTimeout === 'function') socket.setTimeout(0);
  return new WsConnection(socket, onClose);
}
