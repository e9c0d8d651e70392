/**
 * The widget's UI text in Japanese and English. Japanese first: the store's customers are in Japan, so a page that
 * says nothing about its language gets Japanese only when the browser prefers it; a page's `lang` decides first.
 */
export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Strings {
  readonly launcher: string;
  readonly title: string;
  readonly close: string;
  readonly conversation: string;
  readonly inputLabel: string;
  readonly placeholder: string;
  readonly send: string;
  readonly you: string;
  readonly assistant: string;
  readonly thinking: string;
  readonly connecting: string;
  readonly connected: string;
  readonly reconnecting: (seconds: number) => string;
  readonly offline: string;
  /** The connection kept being refused with fresh tokens (an expired or refused sign-in). */
  readonly signInRequired: string;
  /** The button that calls the host page's sign-in hook. */
  readonly signInAgain: string;
  /** The same button when the page gave no sign-in hook: it only tries again with a fresh token. */
  readonly tryAgain: string;
  readonly incomplete: string;
  readonly connectionLost: string;
  readonly rateLimited: (seconds: number) => string;
  readonly limitExceeded: string;
  readonly retry: string;
  /** Appended to an error's sentence while its retry hint (`retryAfterMs`) runs. */
  readonly retryIn: (seconds: number) => string;
  readonly helpful: string;
  readonly notHelpful: string;
  readonly csatGroup: string;
  readonly csatScore: (score: number) => string;
  readonly feedbackThanks: string;
  readonly feedbackFailed: string;
  readonly developerView: string;
  readonly tooLong: (count: number, max: number) => string;
  /** The message shown for an `error` frame's code (a generic one for codes this version does not know). */
  readonly error: (code: string) => string;
}

const EN_ERRORS: Readonly<Record<string, string>> = {
  model_throttled: 'The assistant is busy right now. Please try again in a moment.',
  gateway_busy: 'The assistant is very busy right now.',
  model_unavailable: 'The assistant is unavailable right now. Please try again later.',
  model_timeout: 'The answer took too long. Please try again.',
  content_blocked: 'This request cannot be answered.',
  budget_exhausted: 'The assistant is unavailable for the rest of the day.',
  message_too_long: 'Your message is too long.',
  session_refused: 'This conversation could not be continued, so a new one has started. Retry to send your message there.',
  unknown_request: 'That answer cannot be rated.',
  already_rated: 'You already rated this answer.',
};

const JA_ERRORS: Readonly<Record<string, string>> = {
  model_throttled: 'ただいま混み合っています。しばらくしてからもう一度お試しください。',
  gateway_busy: 'ただいま大変混み合っています。',
  model_unavailable: 'ただいまご利用いただけません。時間をおいてお試しください。',
  model_timeout: '回答に時間がかかりすぎました。もう一度お試しください。',
  content_blocked: 'このご質問にはお答えできません。',
  budget_exhausted: '本日はご利用いただけません。',
  message_too_long: 'メッセージが長すぎます。',
  session_refused: 'この会話は続けられないため、新しい会話を始めました。再送するとそちらに送られます。',
  unknown_request: 'この回答は評価できません。',
  already_rated: 'この回答はすでに評価済みです。',
};

export const STRINGS: Readonly<Record<Locale, Strings>> = {
  en: {
    launcher: 'Chat with us',
    title: 'MangaAssist',
    close: 'Close chat',
    conversation: 'Conversation',
    inputLabel: 'Your message',
    placeholder: 'Ask about manga, orders, shipping…',
    send: 'Send',
    you: 'You',
    assistant: 'MangaAssist',
    thinking: 'Thinking…',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: (seconds) => `Connection lost. Reconnecting in ${seconds} s…`,
    offline: 'Not connected',
    signInRequired: 'Your sign-in has expired or was not accepted. Please sign in again to continue the chat.',
    signInAgain: 'Sign in again',
    tryAgain: 'Try again',
    incomplete: 'This answer was cut off and is incomplete.',
    connectionLost: 'The connection was lost before the answer finished.',
    rateLimited: (seconds) => `You are sending messages too fast. You can retry in ${seconds} s.`,
    limitExceeded: 'You have reached today’s limit. Please come back tomorrow.',
    retry: 'Retry',
    retryIn: (seconds) => `You can retry in ${seconds} s.`,
    helpful: 'Helpful',
    notHelpful: 'Not helpful',
    csatGroup: 'How satisfied are you? (1 to 5)',
    csatScore: (score) => `${score} of 5`,
    feedbackThanks: 'Thank you for your feedback.',
    feedbackFailed: 'Your feedback could not be saved.',
    developerView: 'Developer view',
    tooLong: (count, max) => `${count} / ${max} characters: please shorten your message.`,
    error: (code) => EN_ERRORS[code] ?? 'Something went wrong. Please try again.',
  },
  ja: {
    launcher: 'チャットで質問',
    title: 'MangaAssist',
    close: 'チャットを閉じる',
    conversation: '会話',
    inputLabel: 'メッセージ',
    placeholder: '漫画・ご注文・配送について質問…',
    send: '送信',
    you: 'あなた',
    assistant: 'MangaAssist',
    thinking: '考えています…',
    connecting: '接続しています…',
    connected: '接続しました',
    reconnecting: (seconds) => `接続が切れました。${seconds}秒後に再接続します…`,
    offline: '接続されていません',
    signInRequired: 'ログインの有効期限が切れたか、ログインが受け付けられませんでした。チャットを続けるには、もう一度ログインしてください。',
    signInAgain: 'もう一度ログイン',
    tryAgain: '再試行',
    incomplete: 'この回答は途中で途切れたため、不完全です。',
    connectionLost: '回答の途中で接続が切れました。',
    rateLimited: (seconds) => `送信が速すぎます。${seconds}秒後に再送できます。`,
    limitExceeded: '本日の上限に達しました。明日またご利用ください。',
    retry: '再送',
    retryIn: (seconds) => `${seconds}秒後に再送できます。`,
    helpful: '役に立った',
    notHelpful: '役に立たなかった',
    csatGroup: '満足度（1〜5）',
    csatScore: (score) => `5段階中${score}`,
    feedbackThanks: 'ご評価ありがとうございます。',
    feedbackFailed: '評価を保存できませんでした。',
    developerView: '開発者ビュー',
    tooLong: (count, max) => `${count} / ${max}文字：メッセージを短くしてください。`,
    error: (code) => JA_ERRORS[code] ?? 'エラーが発生しました。もう一度お試しください。',
  },
};

const localeOf = (tag: string | undefined | null): Locale | undefined => {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (LOCALES as readonly string[]).includes(primary ?? '') ? (primary as Locale) : undefined;
};

/**
 * The UI language: the option if given, else the page's `lang` (the store knows its page's language), else the
 * browser's first preference we speak, else Japanese.
 */
export const pickLocale = (option: string | undefined, pageLang: string | undefined, browserLanguages: readonly string[] = []): Locale =>
  localeOf(option) ?? localeOf(pageLang) ?? browserLanguages.map(localeOf).find((locale) => locale !== undefined) ?? 'ja';
