// Our declarations of the part of lit-html 3.3.3 the pages use (see README.md).

import type { DirectiveResult } from '../directive.js';

/** Renders a string as HTML, as it is: only for HTML that is safe already. */
export function unsafeHTML(value: string | null | undefined): DirectiveResult;
