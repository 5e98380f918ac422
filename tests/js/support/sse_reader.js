// Reads a text/event-stream body as a client would (eventsource-parser), for the suites that talk SSE to a
// real server or handler.
import { createParser } from 'eventsource-parser';

/**
 * Reads until stop(events) holds or the stream ends.
 * @param {Response} response
 * @param {(events: object[]) => boolean} [stop]
 * @returns {Promise<{events: Array<{event, id, data}>, comments: string[], ended: boolean, cancel: () => Promise<void>}>}
 *   data parsed as JSON; comments are the heartbeats; ended: the server closed the stream
 */
export async function readSse(response, stop = () => false) {
  const events = [];
  const comments = [];
  const parser = createParser({
    onEvent: (e) => events.push({ event: e.event, id: e.id, data: JSON.parse(e.data) }),
    onComment: (c) => comments.push(c.trim()),
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let ended = false;
  while (!stop(events)) {
    const { done, value } = await reader.read();
    if (done) {
      parser.feed(decoder.decode());
      ended = true;
      break;
    }
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return { events, comments, ended, cancel: () => reader.cancel() };
}
