// Our declarations of the part of lit-html 3.3.3 the pages use (see README.md).

import type { DirectiveResult } from '../directive.js';

/**
 * A list keyed by `keyFn`: an item keeps its DOM (focus, open forms, scroll) from
 * one render to the next, moved when the order changes.
 */
export function repeat<T>(
  items: Iterable<T>,
  keyFn: (item: T, index: number) => unknown,
  template: (item: T, index: number) => unknown,
): DirectiveResult;
