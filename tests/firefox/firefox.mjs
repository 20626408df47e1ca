/**
 * What every Firefox scenario shares: Firefox ESR driven over WebDriver BiDi by
 * puppeteer-core, tabs signed in as a test account, and the conversation with the pytest
 * test that runs the scenario (it owns the servers and writes through the API).
 *
 * The test sends the scenario's input as one JSON line on stdin. `ask(name, details)`
 * prints {"ask": name, ...details} and resolves with the test's one-line JSON answer; a
 * scenario ends by printing {"result": ...}. Any failure exits non-zero with its stack on
 * stderr, which the test shows.
 */

import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';

const SESSION_KEY = 'marginalia.session';
const fromTest = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function lineFromTest() {
  const { value, done } = await fromTest.next();
  if (done) throw new Error('the test stopped answering');
  return JSON.parse(value);
}

/** @type {{firefox: string, apiUrl: string, pollUrl: string, path: string,
 *          member: {id: number, username: string, access: string, refresh: string}}} */
export const input = await lineFromTest();

export function ask(name, details = {}) {
  process.stdout.write(`${JSON.stringify({ ask: name, ...details })}\n`);
  return lineFromTest();
}

/** Runs a scenario in a fresh headless Firefox and prints what it returns. */
export async function withFirefox(scenario) {
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: input.firefox, headless: true,
  });
  try {
    const result = await scenario(browser);
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } finally {
    await browser.close();
  }
}

/**
 * A new tab signed in as the test's member: the session is stored before the page's
 * own scripts run, as a sign-in would have left it (unless a tab of the same browser
 * already holds one, which may have refreshed since). Uncaught errors are collected in
 * `errors`.
 */
export async function signedInTab(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  const { member, apiUrl } = input;
  const session = JSON.stringify({
    access: member.access,
    refresh: member.refresh,
    user: { id: member.id, username: member.username, email: `${member.username}@example.org` },
  });
  await page.evaluateOnNewDocument((origin, key, value) => {
    if (location.origin === origin && !localStorage.getItem(key)) localStorage.setItem(key, value);
  }, new URL(apiUrl).origin, SESSION_KEY, session);
  return { page, errors };
}

/** Opens the article of the test's lab and waits until its data and live updates are in. */
export async function openArticle(page) {
  await page.goto(input.apiUrl + input.path);
  await waitUntil(page, () => document.querySelector('#article-page')?.dataset.ready === 'true');
  await waitUntil(
    page, () => document.querySelector('#live-status')?.dataset.state === 'connected', 15_000,
  );
}

/**
 * Waits until `predicate(...args)`, run in the page, is truthy, and returns its value
 * (a value WebDriver BiDi can send: not an element).
 * Polled through page.evaluate, which the pages' Content-Security-Policy does not
 * refuse (it would refuse a predicate compiled from a string in the page).
 */
export async function waitUntil(page, predicate, timeout = 10_000, ...args) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(predicate, ...args);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still false after ${timeout} ms: ${predicate}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Resolves with the page's clock (Date.now(), the same clock as the test's time.time())
 * at the moment an element matching `selector` with exactly `text` is in the page.
 * Start it before the write it waits for: it watches every change of the page from then.
 */
export function whenShown(page, selector, text, timeout = 10_000) {
  return page.evaluate((selector, text, timeout) => new Promise((resolve, reject) => {
    const shown = () => [...document.querySelectorAll(selector)]
      .some((element) => element.textContent.trim() === text);
    const observer = new MutationObserver(() => {
      if (shown()) done(Date.now());
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${selector} “${text}” not shown within ${timeout} ms`));
    }, timeout);
    const done = (at) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(at);
    };
    observer.observe(document, { subtree: true, childList: true, characterData: true });
    if (shown()) done(Date.now());
  }), selector, text, timeout);
}

/** The text of the first element matching `selector`, or null. */
export function textOf(page, selector) {
  return page.evaluate((selector) => document.querySelector(selector)?.textContent.trim() ?? null,
    selector);
}
