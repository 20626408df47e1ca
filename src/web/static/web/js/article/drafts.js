/**
 * Unsent texts of the composers, kept in localStorage per signed-in user and per
 * place (a discussion's new comment, a reply to one comment, an article's new
 * discussion, an edit), so a reload or a closed tab loses nothing. A draft goes
 * when it is posted, emptied or cancelled, never because what it answered was deleted.
 */

import { getSession } from '../api.js';

const PREFIX = 'marginalia.draft';

/** @param {string} place */
function storageKey(place) {
  const user = getSession()?.user;
  return user ? `${PREFIX}.${user.id}.${place}` : null;
}

/** @param {string} place */
function loadDraft(place) {
  const key = storageKey(place);
  return key ? localStorage.getItem(key) ?? '' : '';
}

/**
 * @param {string} place
 * @param {string} text an empty text forgets the draft
 */
export function saveDraft(place, text) {
  const key = storageKey(place);
  if (!key) return;
  try {
    if (text.trim()) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch {
    // storage full or disabled: the text stays in the form, only the reload safety is lost
  }
}

/**
 * Keep a control's text as a draft: restored now, saved at each change.
 * @param {HTMLInputElement | HTMLTextAreaElement} control
 * @param {string} place
 * @param {string} [initial] the text when there is no draft (what an edit starts from)
 * @returns {() => void} forgets the draft
 */
export function keepDraft(control, place, initial = '') {
  control.value = loadDraft(place) || initial;
  control.addEventListener('input', () => saveDraft(place, control.value));
  return () => saveDraft(place, '');
}

/** @param {number} discussionId @param {number} parentId */
export function replyPlace(discussionId, parentId) {
  return `discussion-${discussionId}.reply-${parentId}`;
}

/**
 * The reply drafts of a discussion, as [parent id, text].
 * @param {number} discussionId
 * @returns {[number, string][]}
 */
export function replyDrafts(discussionId) {
  const prefix = storageKey(`discussion-${discussionId}.reply-`);
  if (!prefix) return [];
  /** @type {[number, string][]} */
  const found = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(prefix)) continue;
    found.push([Number(key.slice(prefix.length)), localStorage.getItem(key) ?? '']);
  }
  return found;
}
