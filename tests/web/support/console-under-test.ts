import type { Browser, BrowserContext, Page, ViewportSize } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, onTestFailed } from 'vitest';
import type { Actor } from '../../../workflows/roles.js';
import { DESKTOP, launchBrowser, seriousViolations } from './browser.js';
import { startSystem, type RunningSystem } from './system.js';

type StartOptions = NonNullable<Parameters<typeof startSystem>[0]>;

export interface ConsoleUnderTest {
  /** The system, once the file's beforeAll has started it. */
  readonly system: RunningSystem;
  /** What chromium refused under the server's Content-Security-Policy, over the whole file. */
  readonly cspViolations: string[];
  /** A fresh browser context (no session, no cache) on the system, at desktop size unless told. */
  newPage(viewport?: ViewportSize): Promise<{ context: BrowserContext; page: Page }>;
}

/**
 * One browser-test file's world: the system started as `npm start` starts it, one chromium,
 * both stopped after the file. `before` runs first and may say how to start the system (an
 * identity provider must know the console's port before the system knows the provider);
 * `after` runs once both are stopped.
 */
export function consoleUnderTest(hooks: { before?: () => Promise<StartOptions>; after?: () => Promise<void> } = {}): ConsoleUnderTest {
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    system = await startSystem(await hooks.before?.());
    browser = await launchBrowser();
  });

  // A failed step is most often explained by the server: its last lines go with the failure.
  beforeEach(() => {
    onTestFailed(() => {
      console.error(`the system's last output:\n${system?.log().slice(-4000) ?? '(not started)'}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await hooks.after?.();
  });

  return {
    get system() {
      if (!system) throw new Error('the system is started in beforeAll: read it inside a test');
      return system;
    },
    cspViolations,
    async newPage(viewport = DESKTOP) {
      const context = await browser!.newContext({ viewport, locale: 'zh-CN', baseURL: system!.url });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      return { context, page };
    },
  };
}

/** Signs in through the sign-in page's demo list, as a newcomer would. */
export async function signInAs(page: Page, person: Actor): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(person.name) }).click();
  await page.getByTestId('signed-in-as').filter({ hasText: person.name }).waitFor();
}

/**
 * Picks an option of the open select by its text. antd also renders a hidden list of
 * the options near the active one for screen readers, so the text alone can name two
 * elements: the visible option's content is the one a person clicks.
 */
export async function pickOption(page: Page, text: string): Promise<void> {
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option-content').getByText(text, { exact: true }).click();
}

export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
}
