import { applyFollowUp, isClearlySimple, isFollowUp } from '../../../lambdas/core/conversation';
import { MODEL_CATALOGS } from '../../../lambdas/core/catalog';
import { decideRoute, type RouteDecision } from '../../../lambdas/core/routing';
import { DEFAULT_ROUTING_MAP, type Intent, type RoutingMap } from '../../../lambdas/core/vocabulary';

describe('isFollowUp', () => {
  it.each([
    'what about the second one?',
    'and the next volume?',
    'How about the first one',
    'is it in stock?',
    'the sequel?',
    'anything similar?',
    'and in paperback?',
    'any others?',
    '2つ目は？',
    '２つ目は？',
    'それの続きは？',
    'その作者の他の作品は？',
    '次の巻は？',
    'じゃあ最初のは？',
    '値段は？',
    '三番目のほうは?',
  ])('"%s" is a follow-up', (text) => {
    expect(isFollowUp(text)).toBe(true);
  });

  it.each([
    'Can you recommend manga like Berserk but less dark and more hopeful?',
    'where is my order 12345',
    'hello!',
    'thanks!',
    'Thank you so much',
    'ありがとう！',
    'こんにちは',
    'Who is the author of Berserk and why did the story change after the eclipse?',
    'ベルセルクに似たおすすめの漫画を教えてください。暗すぎないものがいいです。',
    'Compare the Viz and Kodansha editions of Akira',
    'Do you have One Piece?',
    '',
  ])('"%s" is not a follow-up', (text) => {
    expect(isFollowUp(text)).toBe(false);
  });

  it('knows greetings and thanks as clearly simple, in English and Japanese', () => {
    expect(['hi', 'Thanks!', 'thank you very much', 'ありがとうございます', 'こんばんは'].every(isClearlySimple)).toBe(true);
    expect(['what about the second one?', '2つ目は？'].some(isClearlySimple)).toBe(false);
  });
});

describe('applyFollowUp', () => {
  const catalog = MODEL_CATALOGS.current;
  const classification = (intent: Intent, confidence = 0.4) => ({ intent, confidence, complexity: 2, signals: [] });
  const route = (intent: Intent, map: RoutingMap = DEFAULT_ROUTING_MAP, confidence = 0.4): RouteDecision => decideRoute(classification(intent, confidence), map, catalog);
  const context = (map: RoutingMap = DEFAULT_ROUTING_MAP) => ({ map, reroute: (intent: Intent) => route(intent, map), strongModel: catalog.sonnet.modelId });

  it('inherits the previous intent for a follow-up (follow_up:<intent>)', () => {
    const decided = applyFollowUp(route('unknown'), 'what about the second one?', { intent: 'recommendation', tier: 'sonnet' }, context());

    expect(decided).toMatchObject({ intent: 'recommendation', tier: 'sonnet', model: catalog.sonnet.modelId });
    expect(decided.reasons).toContain('follow_up:recommendation');
  });

  it('inherits in Japanese too', () => {
    const decided = applyFollowUp(route('product_search'), 'それの続きは？', { intent: 'manga_qa', tier: 'sonnet' }, context());

    expect(decided.intent).toBe('manga_qa');
    expect(decided.reasons).toContain('follow_up:manga_qa');
  });

  it('keeps a conversation that needed the strong tier there (follow_up:keep_strong)', () => {
    // product_search maps to haiku; the previous exchange needed sonnet (a complex question).
    const decided = applyFollowUp(route('product_search'), 'and the next volume?', { intent: 'product_search', tier: 'sonnet' }, context());

    expect(decided).toMatchObject({ intent: 'product_search', tier: 'sonnet', model: catalog.sonnet.modelId });
    expect(decided.reasons).toEqual(expect.arrayContaining(['follow_up:product_search', 'follow_up:keep_strong']));
  });

  it('keeps a confident intent of its own, on the strong tier when the conversation needed it', () => {
    const decided = applyFollowUp(route('price_inquiry', DEFAULT_ROUTING_MAP, 0.73), 'how much is the second one?', { intent: 'recommendation', tier: 'sonnet' }, context());

    expect(decided).toMatchObject({ intent: 'price_inquiry', tier: 'sonnet' });
    expect(decided.reasons).toContain('follow_up:keep_strong');
    expect(decided.reasons).not.toContain('follow_up:recommendation');
  });

  it('inherits over a context-free intent even when it is confident ("and the next volume?" as a product search)', () => {
    const decided = applyFollowUp(route('product_search', DEFAULT_ROUTING_MAP, 0.74), 'and the next volume?', { intent: 'manga_qa', tier: 'sonnet' }, context());

    expect(decided).toMatchObject({ intent: 'manga_qa', tier: 'sonnet' });
    expect(decided.reasons).toContain('follow_up:manga_qa');
  });

  it('never raises an intent the routing map locks', () => {
    const map: RoutingMap = { ...DEFAULT_ROUTING_MAP, product_search: { tier: 'haiku', locked: true } };
    const decided = applyFollowUp(route('product_search', map), '2つ目は？', { intent: 'product_search', tier: 'sonnet' }, context(map));

    expect(decided.tier).toBe('haiku');
    expect(decided.reasons).not.toContain('follow_up:keep_strong');
  });

  it('leaves clearly simple messages and template decisions alone', () => {
    const previous = { intent: 'recommendation', tier: 'sonnet' } as const;
    const greeting = route('greeting', DEFAULT_ROUTING_MAP, 0.9);
    const order = route('order_status', DEFAULT_ROUTING_MAP, 0.9);

    expect(applyFollowUp(greeting, 'thanks!', previous, context())).toBe(greeting);
    expect(applyFollowUp(order, 'what about order 12345?', previous, context())).toBe(order);
  });

  it('leaves a message that is not a follow-up, or one without a previous exchange, alone', () => {
    const fresh = route('comparison');

    expect(applyFollowUp(fresh, 'Compare the Viz and Kodansha editions of Akira', { intent: 'recommendation', tier: 'sonnet' }, context())).toBe(fresh);
    expect(applyFollowUp(fresh, 'what about the second one?', undefined, context())).toBe(fresh);
  });
});
