// The page write queue (host/sync/page_write_queue.js): writes overlap, results are recorded in page order,
// the first failure stops it. Writes here are promises the test settles by hand, in any order.
import { createPageWriteQueue } from '../../host/sync/page_write_queue.js';

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => { setImmediate(resolve); });

describe('page write queue', () => {
  test('results are recorded in page order whatever order the writes commit in', async () => {
    const queue = createPageWriteQueue(3);
    const writes = [deferred(), deferred(), deferred()];
    const recorded = [];
    for (const [i, w] of writes.entries()) await queue.add(() => w.promise, () => recorded.push(i + 1));
    writes[2].resolve();
    writes[1].resolve();
    await tick();
    expect(recorded).toEqual([]); // page 1 has not committed: nothing is recorded before it
    writes[0].resolve();
    await queue.settle();
    expect(recorded).toEqual([1, 2, 3]);
  });

  test('at most `limit` writes are in flight; add waits for a free slot', async () => {
    const queue = createPageWriteQueue(2);
    const writes = [deferred(), deferred(), deferred()];
    let started = 0;
    const start = (w) => () => { started += 1; return w.promise; };
    await queue.add(start(writes[0]), () => {});
    await queue.add(start(writes[1]), () => {});
    const third = queue.add(start(writes[2]), () => {});
    await tick();
    expect(started).toBe(2);
    writes[0].resolve();
    await third;
    expect(started).toBe(3);
    writes[1].resolve();
    writes[2].resolve();
    await queue.settle();
  });

  test('a page with nothing to write is still recorded in its place', async () => {
    const queue = createPageWriteQueue(4);
    const first = deferred();
    const recorded = [];
    await queue.add(() => first.promise, () => recorded.push('write'));
    await queue.add(() => null, () => recorded.push('empty'));
    await tick();
    expect(recorded).toEqual([]);
    first.resolve();
    await queue.settle();
    expect(recorded).toEqual(['write', 'empty']);
  });

  test('the first failure stops the queue: later results are not recorded, started writes finish, add and settle throw it', async () => {
    const queue = createPageWriteQueue(3);
    const writes = [deferred(), deferred(), deferred()];
    const recorded = [];
    let thirdFinished = false;
    await queue.add(() => writes[0].promise, () => recorded.push(1));
    await queue.add(() => writes[1].promise, () => recorded.push(2));
    await queue.add(() => writes[2].promise.then(() => { thirdFinished = true; }), () => recorded.push(3));
    writes[0].resolve();
    writes[1].reject(Object.assign(new Error('page 2 failed'), { code: '23514' }));
    const settled = queue.settle().then(() => null, (e) => e);
    await tick();
    writes[2].resolve();
    const error = await settled;
    expect(error.message).toBe('page 2 failed');
    expect(recorded).toEqual([1]);
    expect(thirdFinished).toBe(true);
    expect(queue.failed).toBe(true);
    await expect(queue.add(() => null, () => recorded.push(4))).rejects.toThrow('page 2 failed');
    expect(recorded).toEqual([1]);
  });

  test('a record that throws stops the queue like a failed write', async () => {
    const queue = createPageWriteQueue(1);
    await queue.add(() => Promise.resolve(), () => { throw new Error('lock lost after page 1'); });
    await expect(queue.add(() => Promise.resolve(), () => {})).rejects.toThrow('lock lost after page 1');
    await expect(queue.settle()).rejects.toThrow('lock lost after page 1');
  });
});
