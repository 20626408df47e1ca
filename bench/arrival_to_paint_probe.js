/**
 * The in-page half of bench/arrival_to_paint.py, installed with Playwright's
 * addInitScript so that it runs before any script of the page (and is not
 * subject to the page's Content-Security-Policy, which allows no inline script).
 *
 * It knows nothing of the page's code, so it measures a rewritten page the same
 * way as the current one:
 *
 * - arrival: the moment a long-poll answer reached the page. window.fetch is
 *   wrapped; the stamp is taken when fetch resolves (the poll server writes the
 *   whole answer at once, so headers and body arrive together), before the
 *   page's own code can see the answer. A copy of the body is kept so the
 *   Python side can tell which events each answer held.
 * - seen: the MutationObserver callback (a microtask at the end of the task that
 *   changed the DOM) that first found a comment's token in a text node inside a
 *   comment element (config.commentSelector), or found a tracked token gone.
 * - painted: requestAnimationFrame runs just before the next frame's style,
 *   layout and paint; a message posted from it is handled as the next task,
 *   after that frame has been produced. That task's stamp is the paint time.
 *
 * Every stamp is [performance.now(), Date.now()]: the first for durations inside
 * the page (one monotonic clock, sub-millisecond), the second to compare with
 * the Python script's time.time(), which reads the same system clock. (The
 * monotonic clock behind performance.timeOrigin + performance.now() is not
 * slewed with the system clock, so it can drift from time.time() by
 * milliseconds over a run; Date.now() cannot.)
 */
((config) => {
  const TOKEN = new RegExp(config.tokenPattern, 'g');
  const probe = {
    pollsStarted: 0,
    answers: [], // [perf, wall, body] per long-poll answer
    seen: {}, // token -> stamp of its first appearance in a comment element
    painted: {}, // token -> [perf, wall, visible] of the frame after it appeared
    gone: {}, // token -> stamp of its disappearance
    gonePainted: {}, // token -> stamp of the frame after it disappeared
    seedSeen: 0,
    seedPainted: null, // stamp of the frame that first showed every seeded comment
    observerMs: 0, // time spent in this probe's own observer, to show it is small
    observerMsAtSeedPaint: null, // the part of it spent before every seeded comment showed
  };
  window.__arrivalToPaint = probe;
  const stamp = () => [performance.now(), Date.now()];
  /** token -> the text node that shows it, while it does. */
  const shown = new Map();
  /** text node -> the tokens it showed (a changed text node no longer holds its old text). */
  const tokensOf = new WeakMap();

  const afterPaint = (done) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(stamp());
      channel.port2.postMessage(null);
    });

  const realFetch = window.fetch;
  window.fetch = async function fetchWatchingPolls(input, init) {
    const url = String(input instanceof Request ? input.url : input);
    const isPoll = url.includes(config.pollPath);
    if (isPoll) probe.pollsStarted += 1;
    const response = await realFetch.call(window, input, init);
    if (isPoll) {
      const at = stamp();
      response.clone().text().then((body) => probe.answers.push([at[0], at[1], body]), () => {});
    }
    return response;
  };

  function noteText(textNode, found) {
    if (!textNode.data.includes(config.tokenPrefix)) return;
    const tokens = textNode.data.match(TOKEN);
    const element = textNode.parentElement;
    if (!tokens || !element || !element.closest(config.commentSelector)) return;
    tokensOf.set(textNode, tokens);
    for (const token of tokens) {
      shown.set(token, textNode);
      found.add(token);
    }
  }

  function scanAdded(node, found) {
    if (!node.isConnected) return;
    if (node.nodeType === Node.TEXT_NODE) {
      noteText(node, found);
      return;
    }
    // Most of what the page adds holds no token (meta lines, times, toasts): the
    // native textContent tells so at once, and only the rest is walked.
    if (node.nodeType !== Node.ELEMENT_NODE || !node.textContent.includes(config.tokenPrefix)) return;
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) noteText(text, found);
  }

  /** Tokens whose text a removal or a text change may have taken away. */
  function touchedTokens(record, touched) {
    const nodes = record.type === 'characterData' ? [record.target] : record.removedNodes;
    for (const node of nodes) {
      for (const token of (node.textContent ?? '').match(TOKEN) ?? []) touched.add(token);
      for (const token of tokensOf.get(node) ?? []) touched.add(token);
    }
  }

  /** Of those, the ones no longer shown: their text node left the page or lost the token. */
  function vanishedTokens(touched) {
    const vanished = [];
    for (const token of touched) {
      const node = shown.get(token);
      if (node && (!node.isConnected || !node.data.includes(token))) {
        shown.delete(token);
        if (!(token in probe.gone)) vanished.push(token);
      }
    }
    return vanished;
  }

  function isVisible(token) {
    const element = shown.get(token)?.parentElement;
    return element ? element.checkVisibility() : false;
  }

  function recordPaint(appeared, vanished, seedDone) {
    afterPaint((at) => {
      for (const token of appeared) probe.painted[token] = [...at, isVisible(token)];
      for (const token of vanished) probe.gonePainted[token] = at;
      if (seedDone) probe.seedPainted = at;
    });
  }

  function onMutations(records) {
    const at = stamp();
    const found = new Set();
    const touched = new Set();
    for (const record of records) {
      if (record.type === 'characterData') {
        if (record.target.isConnected) noteText(record.target, found);
      } else {
        for (const node of record.addedNodes) scanAdded(node, found);
      }
      touchedTokens(record, touched);
    }
    const appeared = [...found].filter((token) => !(token in probe.seen));
    for (const token of appeared) probe.seen[token] = at;
    const vanished = touched.size ? vanishedTokens(touched) : [];
    for (const token of vanished) probe.gone[token] = at;
    const seedBefore = probe.seedSeen;
    probe.seedSeen += appeared.filter((token) => token.startsWith(config.seedPrefix)).length;
    const seedDone = seedBefore < config.seedCount && probe.seedSeen >= config.seedCount;
    if (appeared.length || vanished.length) recordPaint(appeared, vanished, seedDone);
    probe.observerMs += performance.now() - at[0];
    if (seedDone) probe.observerMsAtSeedPaint = probe.observerMs;
  }

  new MutationObserver(onMutations).observe(document, { childList: true, subtree: true, characterData: true });
})(__CONFIG__);
