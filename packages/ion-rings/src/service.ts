/**
 * The typed service channel: request/response over two frame rings, with a versioned ABI that
 * other languages can speak from the tables in SPEC.md ("Service channel").
 *
 * ```
 * client ──requests──▶ [ring A] ──▶ server      OPEN [minVersion][maxVersion]
 * client ◀─responses── [ring B] ◀── server      OPEN_ACK [status][version]
 *                                               REQUEST [service][function][length][args]
 *                                               RESPONSE [status][length][data]
 * ```
 *
 * Responses come back in request order (both rings are FIFO), so no request id is needed; a
 * client may pipeline up to `maxInFlight` calls.
 */
import { RingError } from './errors.js';
import { FrameConsumer } from './frame-consumer.js';
import { FrameProducer } from './frame-producer.js';

/**
 * Frame types of the service channel (SPEC.md, "Service frame types").
 *
 * @example
 * ```ts
 * import { ServiceFrame } from '@nexus/ion-rings';
 * ServiceFrame.request; // 0x80000003
 * ```
 */
export const ServiceFrame = {
  /** Client to server: `[minVersion u32][maxVersion u32]`. */
  open: 0x8000_0001,
  /** Server to client: `[status u32][version u32]`. */
  openAck: 0x8000_0002,
  /** Client to server: `[service u32][function u32][length u32][args]`. */
  request: 0x8000_0003,
  /** Server to client: `[status u32][length u32][data]`. */
  response: 0x8000_0004,
} as const;

/**
 * Response status codes (SPEC.md, "Service status codes").
 *
 * @example
 * ```ts
 * import { ServiceStatus } from '@nexus/ion-rings';
 * ServiceStatus.unknownFunction; // 2
 * ```
 */
export const ServiceStatus = {
  /** The data is the function's result. */
  ok: 0,
  /** No such service. */
  unknownService: 1,
  /** The service has no such function. */
  unknownFunction: 2,
  /** The function threw, or its result did not fit a frame. */
  handlerFailed: 3,
  /** The length field disagrees with the frame. */
  badRequest: 4,
  /** (OPEN_ACK) no ABI version in the client's range is served. */
  versionRefused: 5,
  /** A request arrived before an accepted OPEN. */
  notOpen: 6,
} as const;

/**
 * The ABI version this code speaks: requests and responses as SPEC.md lays them out.
 *
 * @example
 * ```ts
 * import { SERVICE_ABI_VERSION } from '@nexus/ion-rings';
 * SERVICE_ABI_VERSION; // 1
 * ```
 */
export const SERVICE_ABI_VERSION = 1;
/**
 * Bytes before the arguments of a request: service, function, length.
 *
 * @example
 * ```ts
 * import { REQUEST_HEADER_BYTES } from '@nexus/ion-rings';
 * const payloadBytes = REQUEST_HEADER_BYTES + 5; // a request with 5 bytes of arguments
 * ```
 */
export const REQUEST_HEADER_BYTES = 12;
/**
 * Bytes before the data of a response: status, length.
 *
 * @example
 * ```ts
 * import { RESPONSE_HEADER_BYTES } from '@nexus/ion-rings';
 * const payloadBytes = RESPONSE_HEADER_BYTES + 5; // a response with 5 bytes of data
 * ```
 */
export const RESPONSE_HEADER_BYTES = 8;

/**
 * A call that came back with a non-zero status.
 *
 * @example
 * ```ts
 * import { ServiceError, ServiceStatus } from '@nexus/ion-rings';
 * const e = new ServiceError(ServiceStatus.unknownService, 'service 9');
 * e.status; // 1
 * ```
 */
export class ServiceError extends Error {
  /** The status code from the response (see {@link ServiceStatus}). */
  readonly status: number;
  /** @param status - response status @param message - detail */
  constructor(status: number, message: string) {
    super(`service status ${status}: ${message}`);
    this.name = 'ServiceError';
    this.status = status;
  }
}

/**
 * A function a server offers: gets the arguments (a view valid during the call), returns data.
 *
 * @example
 * ```ts
 * import type { ServiceHandler } from '@nexus/ion-rings';
 * const echo: ServiceHandler = (args) => args.slice();
 * ```
 */
export type ServiceHandler = (args: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/**
 * Options of {@link ServiceServer}.
 *
 * @example
 * ```ts
 * import type { ServerOptions } from '@nexus/ion-rings';
 * const options: ServerOptions = { abiVersions: [1] };
 * ```
 */
export interface ServerOptions {
  /** ABI versions the server accepts (default `[1]`). */
  abiVersions?: readonly number[];
}

function u32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0
  );
}

function putU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = value >>> 24;
}

/**
 * The serving end: reads requests from one ring, writes responses to another.
 *
 * @example
 * ```ts
 * import { createRingBuffer, ServiceServer } from '@nexus/ion-rings';
 * const requests = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const responses = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const server = new ServiceServer(requests, responses);
 * server.register(1, 1, (args) => args.slice().reverse());
 * void server.serve(); // until the client closes its ring
 * ```
 */
export class ServiceServer {
  readonly #requests: FrameConsumer;
  readonly #responses: FrameProducer;
  readonly #handlers = new Map<number, Map<number, ServiceHandler>>();
  readonly #versions: readonly number[];
  /** ABI version agreed with the client, or 0 before OPEN. */
  version = 0;
  #closed = false;

  /** @param requests - ring the client writes to @param responses - ring the server writes to */
  constructor(
    requests: SharedArrayBuffer | ArrayBuffer,
    responses: SharedArrayBuffer | ArrayBuffer,
    options: ServerOptions = {},
  ) {
    this.#requests = new FrameConsumer(requests);
    this.#responses = new FrameProducer(responses);
    this.#versions = options.abiVersions ?? [SERVICE_ABI_VERSION];
  }

  /** Offers `handler` as function `functionId` of service `serviceId` (both u32). */
  register(serviceId: number, functionId: number, handler: ServiceHandler): this {
    for (const [name, v] of [
      ['serviceId', serviceId],
      ['functionId', functionId],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new RangeError(`${name}: a u32, got ${v}`);
    }
    let functions = this.#handlers.get(serviceId);
    if (!functions) this.#handlers.set(serviceId, (functions = new Map()));
    functions.set(functionId, handler);
    return this;
  }

  async #respond(status: number, data: Uint8Array): Promise<void> {
    const payload = new Uint8Array(RESPONSE_HEADER_BYTES + data.length);
    putU32(payload, 0, status);
    putU32(payload, 4, data.length);
    payload.set(data, RESPONSE_HEADER_BYTES);
    await this.#responses.putAsync(payload, ServiceFrame.response);
  }

  async #handle(type: number, frame: Uint8Array): Promise<void> {
    if (type === ServiceFrame.open) {
      const min = frame.length >= 8 ? u32(frame, 0) : 0;
      const max = frame.length >= 8 ? u32(frame, 4) : 0;
      let chosen = 0;
      for (const v of this.#versions) if (v >= min && v <= max && v > chosen) chosen = v;
      const ack = new Uint8Array(8);
      putU32(ack, 0, chosen === 0 ? ServiceStatus.versionRefused : ServiceStatus.ok);
      putU32(ack, 4, chosen);
      this.version = chosen;
      await this.#responses.putAsync(ack, ServiceFrame.openAck);
      return;
    }
    if (type !== ServiceFrame.request) return;
    if (this.version === 0) return this.#respond(ServiceStatus.notOpen, new Uint8Array(0));
    if (frame.length < REQUEST_HEADER_BYTES || u32(frame, 8) !== frame.length - REQUEST_HEADER_BYTES) {
      return this.#respond(ServiceStatus.badRequest, new Uint8Array(0));
    }
    const functions = this.#handlers.get(u32(frame, 0));
    if (!functions) return this.#respond(ServiceStatus.unknownService, new Uint8Array(0));
    const handler = functions.get(u32(frame, 4));
    if (!handler) return this.#respond(ServiceStatus.unknownFunction, new Uint8Array(0));
    let data: Uint8Array;
    try {
      data = await handler(frame.subarray(REQUEST_HEADER_BYTES));
    } catch (error) {
      return this.#respond(ServiceStatus.handlerFailed, new TextEncoder().encode(String(error)));
    }
    if (RESPONSE_HEADER_BYTES + data.length > this.#responses.maxPayloadBytes) {
      return this.#respond(
        ServiceStatus.handlerFailed,
        new TextEncoder().encode('response larger than the ring allows'),
      );
    }
    return this.#respond(ServiceStatus.ok, data);
  }

  /**
   * Handles every request already in the ring; returns how many. Requests are copied out of the
   * ring before their handler runs, so a slow handler does not hold ring space.
   */
  async pump(): Promise<number> {
    const batch: [number, Uint8Array][] = [];
    this.#requests.poll((type, bytes, offset, length) => {
      batch.push([type, bytes.slice(offset, offset + length)]);
    });
    for (const [type, frame] of batch) await this.#handle(type, frame);
    return batch.length;
  }

  /** Serves until the client closes the request ring or {@link ServiceServer.close} is called. */
  async serve(): Promise<void> {
    while (!this.#closed) {
      if ((await this.pump()) > 0) continue;
      if (this.#requests.producerClosed && !this.#requests.hasData) return;
      await this.#requests.waitForDataAsync(100);
    }
  }

  /** Stops {@link ServiceServer.serve} and closes the response ring. */
  close(): void {
    this.#closed = true;
    this.#responses.close();
  }
}

/**
 * Options of {@link ServiceClient.open}.
 *
 * @example
 * ```ts
 * import type { ClientOptions } from '@nexus/ion-rings';
 * const options: ClientOptions = { minVersion: 1, maxVersion: 1, timeoutMs: 1000 };
 * ```
 */
export interface ClientOptions {
  /** Lowest ABI version the client accepts (default 1). */
  minVersion?: number;
  /** Highest ABI version the client speaks (default 1). */
  maxVersion?: number;
  /** How long to wait for the server's OPEN_ACK, in ms (default 5000). */
  timeoutMs?: number;
  /** Calls pipelined at most before `call` waits (default 1024). */
  maxInFlight?: number;
}

/**
 * The calling end. Open it with {@link ServiceClient.open}, which negotiates the ABI version.
 *
 * @example
 * ```ts
 * import { createRingBuffer, ServiceClient, ServiceServer } from '@nexus/ion-rings';
 * const requests = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const responses = createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 16 });
 * const server = new ServiceServer(requests, responses).register(1, 1, (a) => a.slice().reverse());
 * void server.serve();
 * const client = await ServiceClient.open(requests, responses);
 * const reply = await client.call(1, 1, new Uint8Array([1, 2, 3])); // [3, 2, 1]
 * ```
 */
export class ServiceClient {
  readonly #requests: FrameProducer;
  readonly #responses: FrameConsumer;
  readonly #pending: { resolve(data: Uint8Array): void; reject(error: Error): void }[] = [];
  readonly #maxInFlight: number;
  #reading = false;
  /** The ABI version agreed at open. */
  readonly version: number;

  private constructor(
    requests: FrameProducer,
    responses: FrameConsumer,
    version: number,
    maxInFlight: number,
  ) {
    this.#requests = requests;
    this.#responses = responses;
    this.version = version;
    this.#maxInFlight = maxInFlight;
  }

  /** Sends OPEN with the versions this client speaks and waits for the server's choice. */
  static async open(
    requests: SharedArrayBuffer | ArrayBuffer,
    responses: SharedArrayBuffer | ArrayBuffer,
    options: ClientOptions = {},
  ): Promise<ServiceClient> {
    const producer = new FrameProducer(requests);
    const consumer = new FrameConsumer(responses);
    const hello = new Uint8Array(8);
    putU32(hello, 0, options.minVersion ?? SERVICE_ABI_VERSION);
    putU32(hello, 4, options.maxVersion ?? SERVICE_ABI_VERSION);
    const timeoutMs = options.timeoutMs ?? 5000;
    await producer.putAsync(hello, ServiceFrame.open, timeoutMs);
    if (!(await consumer.waitForDataAsync(timeoutMs)))
      throw new RingError('ETIMEDOUT', 'no OPEN_ACK from the server');
    let status = -1;
    let version = 0;
    consumer.poll((type, bytes, offset, length) => {
      if (type === ServiceFrame.openAck && length >= 8) {
        status = u32(bytes, offset);
        version = u32(bytes, offset + 4);
      }
    }, 1);
    if (status !== ServiceStatus.ok) {
      throw new RingError(
        'EABI',
        `server refused ABI versions ${options.minVersion ?? 1}..${options.maxVersion ?? 1}`,
      );
    }
    return new ServiceClient(producer, consumer, version, options.maxInFlight ?? 1024);
  }

  /**
   * Calls function `functionId` of service `serviceId` with `args`; resolves with the response
   * data, or rejects with a {@link ServiceError} carrying a non-zero status.
   */
  async call(serviceId: number, functionId: number, args: Uint8Array): Promise<Uint8Array> {
    while (this.#pending.length >= this.#maxInFlight) await this.#readResponses();
    const length = REQUEST_HEADER_BYTES + args.length;
    let claim = this.#requests.tryClaim(length, ServiceFrame.request);
    while (claim === null) {
      await this.#requests.waitForSpaceAsync(length, 5000);
      claim = this.#requests.tryClaim(length, ServiceFrame.request);
    }
    putU32(claim.bytes, claim.offset, serviceId);
    putU32(claim.bytes, claim.offset + 4, functionId);
    putU32(claim.bytes, claim.offset + 8, args.length);
    claim.bytes.set(args, claim.offset + REQUEST_HEADER_BYTES);
    const reply = new Promise<Uint8Array>((resolve, reject) => this.#pending.push({ resolve, reject }));
    claim.commit();
    void this.#readResponses();
    return reply;
  }

  async #readResponses(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (this.#pending.length > 0) {
        this.#responses.poll((type, bytes, offset, length) => {
          if (type !== ServiceFrame.response) return;
          const waiter = this.#pending.shift();
          if (!waiter) return;
          const status = length >= RESPONSE_HEADER_BYTES ? u32(bytes, offset) : ServiceStatus.badRequest;
          const dataLength = length >= RESPONSE_HEADER_BYTES ? u32(bytes, offset + 4) : 0;
          if (dataLength !== length - RESPONSE_HEADER_BYTES) {
            waiter.reject(
              new ServiceError(ServiceStatus.badRequest, 'response length field disagrees with its frame'),
            );
          } else if (status !== ServiceStatus.ok) {
            const detail = new TextDecoder().decode(bytes.subarray(offset + 8, offset + length));
            waiter.reject(new ServiceError(status, detail || 'call failed'));
          } else {
            waiter.resolve(bytes.slice(offset + 8, offset + length));
          }
        });
        if (this.#pending.length === 0) break;
        if (this.#responses.producerClosed && !this.#responses.hasData) {
          for (const waiter of this.#pending.splice(0))
            waiter.reject(new RingError('ECLOSED', 'the server closed'));
          break;
        }
        await this.#responses.waitForDataAsync(1000);
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Closes the request ring: the server's `serve()` returns once it drained the requests. */
  close(): void {
    this.#requests.close();
  }
}
