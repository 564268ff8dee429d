import { describe, expect, it } from 'vitest';
import {
  createRingBuffer,
  FrameConsumer,
  FrameProducer,
  RingError,
  ServiceClient,
  ServiceError,
  ServiceFrame,
  ServiceServer,
  ServiceStatus,
} from '../src/index.js';

function channel(shared = true) {
  return {
    requests: createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 14, shared }),
    responses: createRingBuffer({ kind: 'spsc', capacityBytes: 1 << 14, shared }),
  };
}

describe('service channel', () => {
  it('negotiates the ABI, calls functions, pipelines in order and reports statuses', async () => {
    for (const shared of [true, false]) {
      const { requests, responses } = channel(shared);
      const server = new ServiceServer(requests, responses)
        .register(1, 1, (args) => args.slice().reverse())
        .register(1, 2, (args) => new Uint8Array([args.length]))
        .register(2, 7, () => {
          throw new Error('boom');
        });
      const serving = server.serve();
      const client = await ServiceClient.open(requests, responses);
      expect(client.version).toBe(1);
      expect(await client.call(1, 1, new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([3, 2, 1]));
      const many = await Promise.all(
        Array.from({ length: 200 }, (_, i) => client.call(1, 2, new Uint8Array(i))),
      );
      expect(many.map((r) => r[0])).toEqual(Array.from({ length: 200 }, (_, i) => i & 0xff));
      await expect(client.call(9, 1, new Uint8Array(0))).rejects.toMatchObject({
        status: ServiceStatus.unknownService,
      });
      await expect(client.call(1, 9, new Uint8Array(0))).rejects.toMatchObject({
        status: ServiceStatus.unknownFunction,
      });
      await expect(client.call(2, 7, new Uint8Array(0))).rejects.toBeInstanceOf(ServiceError);
      client.close();
      await serving;
    }
  });

  it('refuses an unknown ABI version at open', async () => {
    const { requests, responses } = channel();
    const server = new ServiceServer(requests, responses);
    const serving = server.serve();
    await expect(
      ServiceClient.open(requests, responses, { minVersion: 2, maxVersion: 3 }),
    ).rejects.toMatchObject({
      code: 'EABI',
    });
    expect(server.version).toBe(0);
    new FrameProducer(requests).close();
    await serving;
  });

  it('lays requests and responses out as SPEC.md says: [service][function][length][args], [status][length][data]', async () => {
    const { requests, responses } = channel();
    const server = new ServiceServer(requests, responses).register(
      0x0102_0304,
      5,
      () => new Uint8Array([9, 9]),
    );
    const rawRequests = new FrameProducer(requests);
    const rawResponses = new FrameConsumer(responses);
    rawRequests.offer(new Uint8Array([1, 0, 0, 0, 1, 0, 0, 0]), ServiceFrame.open);
    rawRequests.offer(new Uint8Array([4, 3, 2, 1, 5, 0, 0, 0, 1, 0, 0, 0, 0xaa]), ServiceFrame.request);
    rawRequests.offer(new Uint8Array([4, 3, 2, 1, 5, 0, 0, 0, 7, 0, 0, 0, 0xaa]), ServiceFrame.request);
    await server.pump();
    const got: [number, number[]][] = [];
    rawResponses.poll((type, bytes, offset, length) =>
      got.push([type, [...bytes.subarray(offset, offset + length)]]),
    );
    expect(got).toEqual([
      [ServiceFrame.openAck, [0, 0, 0, 0, 1, 0, 0, 0]],
      [ServiceFrame.response, [0, 0, 0, 0, 2, 0, 0, 0, 9, 9]],
      [ServiceFrame.response, [4, 0, 0, 0, 0, 0, 0, 0]],
    ]);
  });

  it('a request before OPEN is answered NOT_OPEN', async () => {
    const { requests, responses } = channel();
    const server = new ServiceServer(requests, responses);
    new FrameProducer(requests).offer(new Uint8Array(12), ServiceFrame.request);
    await server.pump();
    let status = -1;
    new FrameConsumer(responses).poll((_t, b, o) => {
      status = b[o];
    });
    expect(status).toBe(ServiceStatus.notOpen);
    expect(RingError).toBeDefined();
  });
});
