import { ON_DEMAND_SERVING_STATE, ServingStateSource } from '../../lambdas/app/serving-state-source';
import type { MitigationState } from '../../lambdas/core/capacity/mitigation';
import type { ServingState } from '../../lambdas/ports';
import { MemoryCapacityState } from '../support/capacity-fakes';
import { ManualClock, RecordingLog } from '../support/fakes';

const ARN = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/p1';

const setup = async () => {
  const clock = new ManualClock();
  const store = new MemoryCapacityState();
  await store.switchTarget('sonnet', 0, [{ arn: ARN, units: 2 }], clock.now());
  const log = new RecordingLog();
  return { clock, store, log, source: new ServingStateSource(store, clock, log) };
};

const mitigation = (clock: ManualClock, reason = 'auto'): MitigationState => ({ until: clock.now() + 60_000, reason, setBy: 'auto:throttle-rate', startedAt: clock.now() });

describe('ServingStateSource', () => {
  it('serves every tier on-demand without mitigation until the first good read', async () => {
    const { store, source } = await setup();
    store.failReads = true;

    const state = await source.get();

    expect(state).toEqual(ON_DEMAND_SERVING_STATE);
    expect(state.mitigation).toBeUndefined();
  });

  it('re-reads the table at most every 30 s', async () => {
    const { clock, store, source } = await setup();

    await source.get();
    clock.advance(29_999);
    await source.get();
    clock.advance(1);
    const state = await source.get();

    expect(store.reads).toBe(2);
    expect(state.targets.sonnet.provisioned).toEqual([{ arn: ARN, units: 2 }]);
  });

  it('keeps the last good state when the table becomes unreadable, and logs it', async () => {
    const { clock, store, source, log } = await setup();
    await source.get();
    store.failReads = true;
    clock.advance(30_000);

    const state = await source.get();

    expect(state.targets.sonnet.provisioned).toEqual([{ arn: ARN, units: 2 }]);
    expect(log.messages('error')).toEqual(['capacity table unreadable; keeping the previous serving state']);
  });

  it('shares one read among concurrent requests', async () => {
    const { store, source } = await setup();

    await Promise.all([source.get(), source.get(), source.get()]);

    expect(store.reads).toBe(1);
  });

  it('shows mitigation noted by this container at once, and keeps it over a read that started before it', async () => {
    const { clock, store, source } = await setup();
    let release: (state: ServingState) => void = () => undefined;
    jest.spyOn(store, 'readServingState').mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    const noted = mitigation(clock);

    const pending = source.get();
    source.noteMitigation(noted);
    const during = source.latest();
    release({ targets: store.targets });
    const after = await pending;

    expect(during.mitigation).toEqual(noted);
    expect(after.mitigation).toEqual(noted);
  });

  it('lets a later read replace a noted mitigation (an operator may have ended it)', async () => {
    const { clock, source } = await setup();
    await source.get();
    source.noteMitigation(mitigation(clock));
    clock.advance(30_000);

    const state = await source.get();

    expect(state.mitigation).toBeUndefined();
  });

  it('reads again on the next request once invalidated', async () => {
    const { clock, store, source } = await setup();
    await source.get();
    store.mitigation = mitigation(clock, 'elsewhere');

    source.invalidate();
    const state = await source.get();

    expect(store.reads).toBe(2);
    expect(state.mitigation?.reason).toBe('elsewhere');
  });
});
