/**
 * The IME-safe Enter rule. With a Japanese input method, Enter first confirms the conversion of the composed text;
 * only an Enter outside composition sends. Browsers disagree on the last keydown: Chrome and Firefox set
 * `isComposing`, Safari fires it after `compositionend` with `keyCode` 229, so all three signals count.
 */
export interface KeyLike {
  readonly key: string;
  readonly isComposing?: boolean;
  /** Deprecated, but the only composition signal Safari gives on the Enter that ends a composition. */
  readonly keyCode?: number;
  readonly shiftKey?: boolean;
  readonly altKey?: boolean;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
}

/** keyCode of a keydown the input method consumed. */
export const IME_PROCESS_KEY_CODE = 229;

export const isComposingKey = (event: KeyLike, composing: boolean): boolean =>
  composing || event.isComposing === true || event.keyCode === IME_PROCESS_KEY_CODE || event.key === 'Process';

/** Enter sends; Shift+Enter is a new line; nothing sends while an input method composes. */
export const shouldSend = (event: KeyLike, composing: boolean): boolean =>
  event.key === 'Enter' && event.shiftKey !== true && event.altKey !== true && !isComposingKey(event, composing);
