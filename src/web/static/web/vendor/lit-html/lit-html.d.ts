// Our declarations of the part of lit-html 3.3.3 the pages use (see README.md).

/** A template and its values, as `html` makes it; render() puts it in the page. */
export interface TemplateResult {
  readonly strings: TemplateStringsArray;
  readonly values: readonly unknown[];
}

/**
 * Tags a template literal. A value in a child position renders as text (never as
 * HTML), a node, a template or a list of them; `attr=${v}` sets an attribute,
 * `?attr=${b}` toggles one, `.prop=${v}` sets a property, `@event=${f}` listens.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): TemplateResult;

/** Renders nothing in a child position; removes the attribute in an attribute position. */
export const nothing: unique symbol;

export interface RenderOptions {
  /** the `this` of event listeners */
  host?: object;
  /** render before this child of the container instead of after its last one */
  renderBefore?: ChildNode | null;
}

/**
 * Render a value into a container. A later render of the same template into the
 * same container updates only the values that changed.
 */
export function render(
  value: unknown,
  container: HTMLElement | DocumentFragment,
  options?: RenderOptions,
): unknown;
