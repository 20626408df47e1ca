/** Every item of a list the API answers as a plain array, 100 at a time (limit/offset). */

import { api } from '../api.js';

const PAGE = 100;

export async function allOf(path, { maxItems = 2000 } = {}) {
  const items = [];
  const separator = path.includes('?') ? '&' : '?';
  while (items.length < maxItems) {
    const page = await api(`${path}${separator}limit=${PAGE}&offset=${items.length}`);
    items.push(...page);
    if (page.length < PAGE) break;
  }
  return items;
}
