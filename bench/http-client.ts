import { Agent, request as httpRequest } from 'node:http';
import { type Socket, connect } from 'node:net';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Sent as given; the caller sets content-type. */
  body?: string;
}

/** One keep-alive connection to the server; what a scenario's `request` is given. */
export interface Connection {
  /** `http://host:port` of the server this connection talks to (a signed request signs its host). */
  readonly baseUrl: string;
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

export type ClientKind = 'node-http' | 'raw';

export function openConnection(kind: ClientKind, baseUrl: string): Connection {
  return kind === 'raw' ? new RawConnection(baseUrl) : new HttpConnection(baseUrl);
}

/**
 * One keep-alive TCP connection to the server through node:http, like one browser tab
 * that never closes its socket. Requests on it are sent one after another (closed
 * loop), never pipelined.
 */
export class HttpConnection implements Connection {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
  readonly #host: string;
  readonly #port: number;

  constructor(readonly baseUrl: string) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const outgoing = httpRequest(
        { agent: this.#agent, host: this.#host, port: this.#port, method: req.method, path: req.path, headers },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              headers: incoming.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * The same, written straight on a TCP socket with a minimal HTTP/1.1 reader
 * (Content-Length or chunked bodies). It costs the load generator far less CPU than
 * node:http, so on a small machine more of the CPU is left to the server.
 */
export class RawConnection implements Connection {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | null = null;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { resolve(r: HttpResponse): void; reject(e: Error): void } | null = null;

  constructor(readonly baseUrl: string) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${this.#host}:${this.#port}\r\n`;
      for (const [name, value] of Object.entries(req.headers ?? {})) head += `${name}: ${value}\r\n`;
      if (req.body !== undefined) head += `content-length: ${Buffer.byteLength(req.body)}\r\n`;
      this.#open().write(`${head}\r\n${req.body ?? ''}`);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  #open(): Socket {
    if (this.#socket) return this.#socket;
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#tryParse();
    });
    const fail = (error: Error) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#buffer = Buffer.alloc(0);
      const pending = this.#pending;
      this.#pending = null;
      pending?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
    this.#socket = socket;
    return socket;
  }

  #tryParse(): void {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end === -1 || !this.#pending) return;
    const lines = this.#buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0]!.split(' ', 2)[1]);
    const headers: Record<string, string | string[] | undefined> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const existing = headers[name];
      if (name === 'set-cookie') headers[name] = Array.isArray(existing) ? [...existing, value] : [value];
      else headers[name] = value;
    }
    const bodyStart = end + 4;
    let body: Buffer;
    let consumed: number;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = this.#buffer.indexOf('\r\n', at);
        if (lineEnd === -1) return;
        const size = parseInt(this.#buffer.toString('latin1', at, lineEnd), 16);
        if (this.#buffer.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          consumed = lineEnd + 4;
          break;
        }
        parts.push(this.#buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (this.#buffer.length < bodyStart + length) return;
      body = this.#buffer.subarray(bodyStart, bodyStart + length);
      consumed = bodyStart + length;
    }
    const response: HttpResponse = { status, headers, body: body.toString('utf8') };
    this.#buffer = this.#buffer.subarray(consumed);
    const pending = this.#pending;
    this.#pending = null;
    pending.resolve(response);
  }
}

/** `name=value` pairs from a response's Set-Cookie headers (attributes dropped). */
export function cookiesFrom(response: HttpResponse): Map<string, string> {
  const jar = new Map<string, string>();
  const raw = response.headers['set-cookie'];
  for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return jar;
}

export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
