// Our declarations of the part of lit-html 3.3.3 the pages use (see README.md).

import type { DirectiveResult } from '../directive.js';

/** `valueFn()`, called again only when a dependency changed (compared with ===). */
export function guard<T>(dependencies: readonly unknown[], valueFn: () => T): DirectiveResult;
