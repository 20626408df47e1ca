import test from 'node:test';
import assert from 'node:assert/strict';

import { messageAfter, namedWait, waitInWords } from '../../src/web/static/web/js/waits.js';

test('the API\'s words for a wait are read back in seconds', () => {
  assert.deepEqual(namedWait('Too many comments; try again in 52 s'),
    { before: 'Too many comments; try again ', seconds: 52, after: '' });
  assert.equal(namedWait('Too many failed logins for this account; try again in 15 min').seconds, 900);
  assert.equal(namedWait('Too many sign-ups from this address; try again in 2 h.').seconds, 7200);
  assert.equal(namedWait('Wrong username, email or password'), null);
  assert.equal(namedWait('try again in a while'), null);
});

test('a wait counts down in the unit a person would use, then says now', () => {
  const wait = namedWait('Too many comments; try again in 52 s');
  assert.equal(messageAfter(wait, 0), 'Too many comments; try again in 52 s');
  assert.equal(messageAfter(wait, 1500), 'Too many comments; try again in 51 s');
  assert.equal(messageAfter(wait, 51_001), 'Too many comments; try again in 1 s');
  assert.equal(messageAfter(wait, 52_000), 'Too many comments; try again now.');
  const long = namedWait('Too many failed logins for this account; try again in 15 min');
  assert.equal(messageAfter(long, 60_000), 'Too many failed logins for this account; try again in 14 min');
  assert.equal(messageAfter(long, 816_000), 'Too many failed logins for this account; try again in 84 s');
});

test('the client words waits as the API does', () => {
  assert.deepEqual([1, 89, 90, 5399, 5400, 7201].map(waitInWords),
    ['1 s', '89 s', '2 min', '90 min', '2 h', '3 h']);
});
