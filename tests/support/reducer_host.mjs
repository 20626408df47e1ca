// Serves the shipped reducer (src/web/static/web/realtime/apply-event.js) to Python
// tests over stdin/stdout, one JSON request and one JSON answer per line, so that the
// property and consistency tests check the code browsers run, not a copy of it.
import { createInterface } from 'node:readline';

import { applyEvent, createArticleState } from '../../src/web/static/web/realtime/apply-event.js';

const held = new Map(); // handle -> { state, scope }

function answer(request) {
  switch (request.op) {
    case 'create':
      held.set(request.handle, {
        state: createArticleState(request.discussions, request.comments),
        scope: request.scope,
      });
      return null;
    case 'apply': {
      const entry = held.get(request.handle);
      entry.state = applyEvent(entry.state, request.event, entry.scope);
      return null;
    }
    case 'state':
      return held.get(request.handle).state;
    case 'drop':
      held.delete(request.handle);
      return null;
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try {
    reply = { ok: true, result: answer(JSON.parse(line)) };
  } catch (error) {
    reply = { ok: false, error: String(error?.stack ?? error) };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}
