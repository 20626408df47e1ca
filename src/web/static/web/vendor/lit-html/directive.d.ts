// Our declarations of the part of lit-html 3.3.3 the pages use (see README.md).

/** What a directive returns: a value for a template, opaque to the pages. */
export interface DirectiveResult {
  readonly ['_$litDirective$']: unknown;
}
