// Several whole collections fetched at once, all or none: when one fails, the others are stopped and
// awaited before the failure is returned, so no request of a failed step still reaches the site after
// it (a fleet worker's host slot is free by then; a recorded run has really ended).

/**
 * @param {{getCollection: Function}} client a MotoPress client (motopress_client.js), or a wrapper of one
 * @param {string[]} collections e.g. ['accommodation_types', 'accommodations']
 * @param {{signal?: AbortSignal}} [o] stops all of them
 * @returns {Promise<object[]>} each collection's getCollection answer, in the order asked
 * @throws the first failure (a MotoPressError), once every other fetch has settled
 */
export async function getCollectionsTogether(client, collections, { signal } = {}) {
  const allOrNone = new AbortController();
  const shared = signal ? AbortSignal.any([signal, allOrNone.signal]) : allOrNone.signal;
  const fetches = collections.map((collection) => client.getCollection(collection, { signal: shared }));
  try {
    return await Promise.all(fetches);
  } catch (error) {
    allOrNone.abort(`another collection (${error?.endpoint ?? 'one of them'}) failed`);
    await Promise.allSettled(fetches);
    throw error;
  }
}
