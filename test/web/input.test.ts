import { reconnectDelayMs } from '../../web/widget/backoff';
import { pickLocale, STRINGS } from '../../web/widget/i18n';
import { IME_PROCESS_KEY_CODE, shouldSend } from '../../web/widget/keys';
import { splitLinks } from '../../web/widget/links';

describe('the IME-safe Enter rule', () => {
  it('sends on a plain Enter only', () => {
    expect(shouldSend({ key: 'Enter' }, false)).toBe(true);
    expect(shouldSend({ key: 'Enter', shiftKey: true }, false)).toBe(false);
    expect(shouldSend({ key: 'Enter', altKey: true }, false)).toBe(false);
    expect(shouldSend({ key: 'a' }, false)).toBe(false);
  });

  it('never sends while an input method composes, whichever way the browser says so', () => {
    // Chrome and Firefox: isComposing on the keydown that confirms the conversion.
    expect(shouldSend({ key: 'Enter', isComposing: true }, false)).toBe(false);
    // Between compositionstart and compositionend, whatever the event says.
    expect(shouldSend({ key: 'Enter' }, true)).toBe(false);
    // Safari: the confirming keydown comes after compositionend, with keyCode 229.
    expect(shouldSend({ key: 'Enter', keyCode: IME_PROCESS_KEY_CODE }, false)).toBe(false);
    expect(shouldSend({ key: 'Process' }, false)).toBe(false);
    expect(shouldSend({ key: 'Enter', keyCode: 13 }, false)).toBe(true);
  });
});

describe('reconnection backoff', () => {
  it('doubles from 500 ms up to 15 s, keeping at least half of each step', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelayMs(attempt, 0))).toEqual([250, 500, 1000, 2000, 4000, 7500, 7500, 7500]);
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => reconnectDelayMs(attempt, 0.999999))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('stays bounded for odd input', () => {
    expect(reconnectDelayMs(-3, 0.5)).toBe(375);
    expect(reconnectDelayMs(1e9, 2)).toBe(15000);
    expect(reconnectDelayMs(Number.NaN, Number.NaN)).toBe(250);
  });
});

describe('UI language', () => {
  it('takes the option, then the page, then the browser, then Japanese', () => {
    expect(pickLocale('en', 'ja', ['ja'])).toBe('en');
    expect(pickLocale(undefined, 'ja-JP', ['en-US'])).toBe('ja');
    expect(pickLocale(undefined, 'en', ['ja'])).toBe('en');
    expect(pickLocale(undefined, '', ['fr-FR', 'en-GB'])).toBe('en');
    expect(pickLocale(undefined, 'fr', ['de'])).toBe('ja');
    expect(pickLocale('xx', undefined)).toBe('ja');
  });

  it('has every string in both languages, and a generic message for error codes it does not know', () => {
    expect(Object.keys(STRINGS.ja).sort()).toEqual(Object.keys(STRINGS.en).sort());
    expect(STRINGS.ja.rateLimited(3)).toBe('送信が速すぎます。3秒後に再送できます。');
    expect(STRINGS.en.rateLimited(3)).toBe('You are sending messages too fast. You can retry in 3 s.');
    expect(STRINGS.en.error('no_such_code')).toBe('Something went wrong. Please try again.');
    expect(STRINGS.ja.error('model_timeout')).not.toBe(STRINGS.ja.error('no_such_code'));
  });
});

describe('links in answers', () => {
  it('keeps everything as text when the store allows no host', () => {
    expect(splitLinks('see https://shop.example.com/x', [])).toEqual([{ kind: 'text', text: 'see https://shop.example.com/x' }]);
  });

  it('links https URLs of allowed hosts only, leaving sentence punctuation outside', () => {
    expect(splitLinks('Buy at https://shop.example.com/item/1. Or https://evil.example/x, or http://shop.example.com/y', ['Shop.Example.com'])).toEqual([
      { kind: 'text', text: 'Buy at ' },
      { kind: 'link', text: 'https://shop.example.com/item/1', href: 'https://shop.example.com/item/1' },
      { kind: 'text', text: '. Or https://evil.example/x, or http://shop.example.com/y' },
    ]);
  });

  it('refuses look-alikes: credentials in the URL, a subdomain, javascript:', () => {
    const hosts = ['shop.example.com'];
    for (const text of ['https://shop.example.com@evil.example/', 'https://user:pw@shop.example.com/', 'https://shop.example.com.evil.example/', 'javascript:alert(1)//https://shop.example.com']) {
      expect(splitLinks(text, hosts).filter((segment) => segment.kind === 'link').map((segment) => segment.href).every((href) => new URL(href).hostname === 'shop.example.com' && !href.includes('@'))).toBe(true);
    }
    expect(splitLinks('https://shop.example.com.evil.example/', hosts)).toEqual([{ kind: 'text', text: 'https://shop.example.com.evil.example/' }]);
  });

  it('ends a link at Japanese punctuation', () => {
    expect(splitLinks('こちら：https://shop.example.com/a。ありがとう', ['shop.example.com'])).toEqual([
      { kind: 'text', text: 'こちら：' },
      { kind: 'link', text: 'https://shop.example.com/a', href: 'https://shop.example.com/a' },
      { kind: 'text', text: '。ありがとう' },
    ]);
  });
});
