/**
 * The bridge's events WebSocket (RFC 6455, written in main/bridge/websocket.ts), driven by a
 * raw client written here: the handshake's accept key, the credential check (a Bearer header
 * here; browsers send the session cookie, see test/reliability/bridge-probes.test.ts), events as
 * JSON text frames, ping → pong, and the closing handshake.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, type Api, type ApiEvent, type ApiEvents, type JobInfo } from '../../main/api';
import { startBridge, type Bridge } from '../../main/bridge/server';
import { acceptKey, encodeFrame, OPCODE, parseFrames } from '../../main/bridge/websocket';
import { unusedApiMethods } from '../helpers/api-stubs';

const listeners = new Set<(e: ApiEvent) => void>();
const api: Api & ApiEvents = {
  ...unusedApiMethods(),
  version: async () => ok({ app: 'e', api: 1, node: 'n', electron: null, platform: 'p' }),
  onEvent: (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
const emit = (e: ApiEvent): void => {
  for (const l of listeners) l(e);
};

const JOB: JobInfo = {
  id: 'job-1',
  kind: 'import',
  state: 'running',
  created: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-01T00:00:01.000Z',
  progress: 0.5,
  message: 'writing to the workspace',
  error: null,
  curve: [],
  result: null,
  resumable: false,
};

let dir: string;
let bridge: Bridge;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'knowrec-ws-'));
  bridge = await startBridge({ api, staticDir: dir, log: () => undefined });
});
afterAll(async () => {
  await bridge.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A masked client frame. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

interface Client {
  readonly socket: Socket;
  readonly accept: string;
  readonly key: string;
  /** Resolves with the next server frame. */
  next(): Promise<{ opcode: number; payload: Buffer }>;
}

/** Reads unmasked server frames off a socket. */
function serverFrames(socket: Socket, first: Buffer): () => Promise<{ opcode: number; payload: Buffer }> {
  let buf = first;
  const queue: { opcode: number; payload: Buffer }[] = [];
  const waiting: ((f: { opcode: number; payload: Buffer }) => void)[] = [];
  const drain = (): void => {
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        head = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        head = 10;
      }
      if (buf.length < head + len) return;
      const f = { opcode: buf[0] & 0x0f, payload: Buffer.from(buf.subarray(head, head + len)) };
      buf = buf.subarray(head + len);
      const w = waiting.shift();
      if (w !== undefined) w(f);
      else queue.push(f);
    }
  };
  socket.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    drain();
  });
  drain();
  return () => {
    const f = queue.shift();
    return f !== undefined ? Promise.resolve(f) : new Promise((r) => waiting.push(r));
  };
}

function connect(path: string, token: string | null = bridge.token): Promise<Client | { status: number }> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: bridge.port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
    });
    req.on('upgrade', (res, socket: Socket, head: Buffer) => {
      resolve({ socket, key, accept: String(res.headers['sec-websocket-accept']), next: serverFrames(socket, head) });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('events WebSocket', () => {
  it('computes the RFC 6455 accept key (the RFC example)', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('refuses a connection without the token or with a wrong one, also in the URL (401)', async () => {
    expect(await connect('/events', null)).toEqual({ status: 401 });
    expect(await connect('/events', '0'.repeat(bridge.token.length))).toEqual({ status: 401 });
    expect(await connect(`/events?token=${bridge.token}`, null)).toEqual({ status: 401 });
    expect(bridge.clients()).toBe(0);
  });

  it('accepts the token, then sends every event as a JSON text frame', async () => {
    const c = await connect('/events');
    if ('status' in c) throw new Error(`refused with ${c.status}`);
    expect(c.accept).toBe(createHash('sha1').update(`${c.key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
    await until(() => bridge.clients() === 1);
    emit({ type: 'job', job: JOB });
    const f = await c.next();
    expect(f.opcode).toBe(OPCODE.text);
    expect(JSON.parse(f.payload.toString('utf8'))).toEqual({ type: 'job', job: JOB });

    // a large event uses the 16-bit length form
    const big: ApiEvent = { type: 'job', job: { ...JOB, message: 'x'.repeat(70_000) } };
    emit(big);
    const g = await c.next();
    expect(JSON.parse(g.payload.toString('utf8'))).toEqual(big);

    // ping → pong with the same payload; client text is ignored
    c.socket.write(clientFrame(OPCODE.text, Buffer.from('hello?')));
    c.socket.write(clientFrame(OPCODE.ping, Buffer.from('are you there')));
    const pong = await c.next();
    expect(pong.opcode).toBe(OPCODE.pong);
    expect(pong.payload.toString()).toBe('are you there');

    // closing handshake: the server answers close with close and drops the client
    const status = Buffer.alloc(2);
    status.writeUInt16BE(1000, 0);
    c.socket.write(clientFrame(OPCODE.close, status));
    const closing = await c.next();
    expect(closing.opcode).toBe(OPCODE.close);
    expect(closing.payload.readUInt16BE(0)).toBe(1000);
    await until(() => bridge.clients() === 0);
    expect(bridge.clients()).toBe(0);
    // the Api still answers
    const v = await fetch(`http://127.0.0.1:${bridge.port}/api/version`, { method: 'POST', headers: { authorization: `Bearer ${bridge.token}` } });
    expect(v.status).toBe(200);
  });

  it('closes with 1002 on an unmasked client frame', async () => {
    const c = await connect('/events');
    if ('status' in c) throw new Error(`refused with ${c.status}`);
    c.socket.write(encodeFrame(OPCODE.text, Buffer.from('not masked')));
    const f = await c.next();
    expect(f.opcode).toBe(OPCODE.close);
    expect(f.payload.readUInt16BE(0)).toBe(1002);
  });
});

describe('frame parser', () => {
  it('reads masked frames split across chunks and keeps the rest', () => {
    const a = clientFrame(OPCODE.text, Buffer.from('abc'));
    const b = clientFrame(OPCODE.ping, Buffer.from('p'));
    const both = Buffer.concat([a, b]);
    const partial = parseFrames(both.subarray(0, a.length + 3));
    expect('frames' in partial && partial.frames.map((f) => f.payload.toString())).toEqual(['abc']);
    expect('rest' in partial && partial.rest.length).toBe(3);
    const whole = parseFrames(both);
    expect('frames' in whole && whole.frames.map((f) => [f.opcode, f.payload.toString()])).toEqual([
      [OPCODE.text, 'abc'],
      [OPCODE.ping, 'p'],
    ]);
  });

  it('refuses oversized frames with 1009', () => {
    const header = Buffer.from([0x81, 0x80 | 127]);
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(1 << 30), 0);
    const r = parseFrames(Buffer.concat([header, len, randomBytes(4)]));
    expect('error' in r && r.status).toBe(1009);
  });
});
