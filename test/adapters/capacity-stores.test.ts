import { DeleteCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CapacityItemError, DynamoCalendarStore, DynamoCapacityStateStore } from '../../lambdas/adapters/dynamodb-capacity';
import { CalendarError, type OneOffEvent, type WeeklyEvent } from '../../lambdas/core/capacity/calendar';
import { parseInstant } from '../../lambdas/core/capacity/jst';
import { onDemandTarget } from '../../lambdas/core/capacity/reconcile';
import { createDocumentClient } from '../../lambdas/runtime/clients/dynamodb';
import { CAPACITY_STATE_TABLE, EVENT_CALENDAR_TABLE } from '../../lambdas/schema/tables';
import { LOCAL_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../../local/dynamo';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-07T00:00:00+09:00');
const ARN_A = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/aaaaaaaaaaaa';
const ARN_B = 'arn:aws:bedrock:ap-northeast-1:111122223333:provisioned-model/bbbbbbbbbbbb';

const XMAS: OneOffEvent = {
  id: 'xmas-sale',
  kind: 'once',
  name: 'Christmas sale',
  multiplier: 3,
  leadMs: 90 * MINUTE,
  start: Date.parse('2026-12-24T18:00:00+09:00'),
  end: Date.parse('2026-12-25T00:00:00+09:00'),
};
const FRIDAY: WeeklyEvent = { id: 'friday-drop', kind: 'weekly', name: 'Friday drop', multiplier: 2, leadMs: 30 * MINUTE, weekday: 'friday', at: '20:00', durationMs: 120 * MINUTE };

describe('capacity stores against dynalite', () => {
  let dynamo: LocalDynamo;
  let documents: DynamoDBDocumentClient;
  const stateTable = () => dynamo.tableNames[CAPACITY_STATE_TABLE.logicalName] ?? '';
  const calendarTable = () => dynamo.tableNames[EVENT_CALENDAR_TABLE.logicalName] ?? '';
  const item = async (tableName: string, key: Record<string, string>) => (await documents.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
  const put = (tableName: string, row: Record<string, unknown>) => documents.send(new PutCommand({ TableName: tableName, Item: row }));

  const extraClients: DynamoDBDocumentClient[] = [];
  let scanPages = 0;
  const newClient = (): DynamoDBDocumentClient => {
    const client = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    extraClients.push(client);
    return client;
  };
  /** A client whose every Scan reads one item per page (and counts the pages), so the adapters must follow LastEvaluatedKey. */
  const onePerPage = (): DynamoDBDocumentClient => {
    const client = newClient();
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { Limit?: number };
        if ('TableName' in input && 'ExclusiveStartKey' in input) {
          input.Limit = 1;
          scanPages += 1;
        }
        return next(args);
      },
      { step: 'initialize', name: 'onePerPage' },
    );
    return client;
  };

  const emptyTable = async (tableName: string, key: string) => {
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
    await Promise.all(Items.map((row) => documents.send(new DeleteCommand({ TableName: tableName, Key: { [key]: row[key] } }))));
  };

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'capacity-stores-test-' });
    documents = createDocumentClient({ region: 'ap-northeast-1', endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  });
  afterAll(async () => {
    for (const client of [documents, ...extraClients]) client.destroy();
    await dynamo.close();
  });
  beforeEach(async () => {
    scanPages = 0;
    await emptyTable(stateTable(), 'pk');
    await emptyTable(calendarTable(), 'id');
  });

  describe('routing targets', () => {
    it('reads tiers without a stored target as on-demand at version 0', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());

      const state = await store.readServingState();

      expect(state).toEqual({ targets: { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') } });
    });

    it('switches only from the expected version and bumps it', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());

      expect(await store.switchTarget('sonnet', 0, [{ arn: ARN_A, units: 5 }], T0)).toBe(true);
      expect(await store.switchTarget('sonnet', 0, [{ arn: ARN_B, units: 8 }], T0 + MINUTE)).toBe(false);
      expect(await store.switchTarget('sonnet', 1, [{ arn: ARN_B, units: 8 }], T0 + 2 * MINUTE)).toBe(true);

      const { targets } = await store.readServingState();
      expect(targets.sonnet).toEqual({ tier: 'sonnet', version: 2, provisioned: [{ arn: ARN_B, units: 8 }], switchedAt: T0 + 2 * MINUTE });
      expect(targets.haiku).toEqual(onDemandTarget('haiku'));
      expect(await item(stateTable(), { pk: 'TARGET#sonnet' })).toMatchObject({ pk: 'TARGET#sonnet', tier: 'sonnet', version: 2 });
    });

    it('lets exactly one of two concurrent switches from the same version win', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.switchTarget('haiku', 0, [{ arn: ARN_A, units: 3 }], T0);

      const results = await Promise.all([
        store.switchTarget('haiku', 1, [{ arn: ARN_A, units: 3 }, { arn: ARN_B, units: 2 }], T0 + MINUTE),
        new DynamoCapacityStateStore(newClient(), stateTable()).switchTarget('haiku', 1, [{ arn: ARN_B, units: 5 }], T0 + MINUTE),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const { targets } = await store.readServingState();
      expect(targets.haiku.version).toBe(2);
      expect(targets.haiku.provisioned).toEqual(results[0] ? [{ arn: ARN_A, units: 3 }, { arn: ARN_B, units: 2 }] : [{ arn: ARN_B, units: 5 }]);
    });

    it('lets exactly one of two concurrent first switches win', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());

      const results = await Promise.all([store.switchTarget('sonnet', 0, [{ arn: ARN_A, units: 5 }], T0), store.switchTarget('sonnet', 0, [{ arn: ARN_B, units: 5 }], T0)]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.readServingState()).targets.sonnet.version).toBe(1);
    });

    it('sets and clears the pending change without touching version or targets', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.switchTarget('sonnet', 0, [{ arn: ARN_A, units: 5 }], T0);
      const pending = { units: 8, name: 'mangaassist-sonnet-8u-20261207T0000', requestedAt: T0 + MINUTE };

      await store.setPending('sonnet', pending);
      const withPending = (await store.readServingState()).targets.sonnet;
      await store.setPending('sonnet', undefined);
      const cleared = (await store.readServingState()).targets.sonnet;

      expect(withPending).toEqual({ tier: 'sonnet', version: 1, provisioned: [{ arn: ARN_A, units: 5 }], switchedAt: T0, pending });
      expect(cleared).toEqual({ tier: 'sonnet', version: 1, provisioned: [{ arn: ARN_A, units: 5 }], switchedAt: T0 });
      expect(await item(stateTable(), { pk: 'TARGET#sonnet' })).not.toHaveProperty('pending');
    });

    it('creates an on-demand target for a pending change on a tier never switched, and its first switch still works', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      const pending = { units: 3, name: 'mangaassist-haiku-3u-20261207T0000', requestedAt: T0 };

      await store.setPending('haiku', pending);
      const before = (await store.readServingState()).targets.haiku;
      const switched = await store.switchTarget('haiku', 0, [{ arn: ARN_A, units: 3 }], T0 + 10 * MINUTE);

      expect(before).toEqual({ ...onDemandTarget('haiku'), pending });
      expect(switched).toBe(true);
      expect((await store.readServingState()).targets.haiku).toEqual({ tier: 'haiku', version: 1, provisioned: [{ arn: ARN_A, units: 3 }], switchedAt: T0 + 10 * MINUTE });
    });

    it('clears the pending change on a switch', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.setPending('sonnet', { units: 5, name: 'mangaassist-sonnet-5u-20261207T0000', requestedAt: T0 });

      await store.switchTarget('sonnet', 0, [{ arn: ARN_A, units: 5 }], T0 + MINUTE);

      expect((await store.readServingState()).targets.sonnet.pending).toBeUndefined();
    });

    it('throws a CapacityItemError naming a malformed target instead of reading it as on-demand', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await put(stateTable(), { pk: 'TARGET#sonnet', tier: 'sonnet', version: 'two', provisioned: [{ arn: ARN_A }], switchedAt: T0 });

      const read = store.readServingState();

      await expect(read).rejects.toBeInstanceOf(CapacityItemError);
      await expect(store.readServingState()).rejects.toThrow(/"TARGET#sonnet".*version must be an integer >= 0.*provisioned\[0\]\.units must be an integer >= 1/);
    });

    it('throws on a malformed mitigation item and ignores items with other keys', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await put(stateTable(), { pk: 'NOTE#oncall', text: 'not the reader’s business' });
      expect(await store.readServingState()).toEqual({ targets: { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') } });

      await put(stateTable(), { pk: 'MITIGATION', until: 'soon', reason: 'throttling' });

      await expect(store.readServingState()).rejects.toThrow(/"MITIGATION".*until must be epoch ms.*setBy must be a non-empty string/);
    });

    it('reads every item when the scan is paginated', async () => {
      const writer = new DynamoCapacityStateStore(documents, stateTable());
      await writer.switchTarget('haiku', 0, [{ arn: ARN_A, units: 3 }], T0);
      await writer.switchTarget('sonnet', 0, [{ arn: ARN_B, units: 5 }], T0);
      await writer.setMitigation({ until: T0 + 30 * MINUTE, reason: 'throttling', setBy: 'auto:throttle-rate', startedAt: T0 });
      await writer.addScaleUp({ tier: 'sonnet', extraUnits: 2, until: T0 + 60 * MINUTE });
      await writer.addScaleUp({ tier: 'haiku', extraUnits: 1, until: T0 + 60 * MINUTE });

      const paged = new DynamoCapacityStateStore(onePerPage(), stateTable());
      const state = await paged.readServingState();
      const scaleUps = await paged.listScaleUps(T0);

      expect(state.targets.haiku.provisioned).toEqual([{ arn: ARN_A, units: 3 }]);
      expect(state.targets.sonnet.provisioned).toEqual([{ arn: ARN_B, units: 5 }]);
      expect(state.mitigation?.setBy).toBe('auto:throttle-rate');
      expect(scaleUps).toHaveLength(2);
      expect(scanPages).toBeGreaterThanOrEqual(2 * 5);
    });
  });

  describe('mitigation', () => {
    const mitigation = (until: number, setBy = 'auto:throttle-rate') => ({ until, reason: 'throttle rate 8%', setBy, startedAt: until - 30 * MINUTE });

    it('starts when none is stored and refuses while one is active', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());

      expect(await store.startMitigationIfOff(mitigation(T0 + 30 * MINUTE), T0)).toBe(true);
      expect(await store.startMitigationIfOff(mitigation(T0 + 40 * MINUTE, 'auto:other'), T0 + 10 * MINUTE)).toBe(false);

      expect((await store.readServingState()).mitigation).toEqual(mitigation(T0 + 30 * MINUTE));
    });

    it('lets exactly one of two concurrent automatic starts win', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());

      const results = await Promise.all([
        store.startMitigationIfOff(mitigation(T0 + 30 * MINUTE, 'auto:a'), T0),
        store.startMitigationIfOff(mitigation(T0 + 30 * MINUTE, 'auto:b'), T0),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.readServingState()).mitigation?.setBy).toBe(results[0] ? 'auto:a' : 'auto:b');
    });

    it('lets a new start replace one that has expired, which is still returned until then', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.setMitigation(mitigation(T0));

      const expired = (await store.readServingState()).mitigation;
      const started = await store.startMitigationIfOff(mitigation(T0 + 30 * MINUTE, 'auto:again'), T0);

      expect(expired).toEqual(mitigation(T0));
      expect(started).toBe(true);
      expect((await store.readServingState()).mitigation?.setBy).toBe('auto:again');
    });

    it('sets unconditionally and clears', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.startMitigationIfOff(mitigation(T0 + 30 * MINUTE), T0);

      await store.setMitigation(mitigation(T0 + 60 * MINUTE, 'operator:sato'));
      const set = (await store.readServingState()).mitigation;
      await store.clearMitigation();

      expect(set?.setBy).toBe('operator:sato');
      expect((await store.readServingState()).mitigation).toBeUndefined();
      expect(await item(stateTable(), { pk: 'MITIGATION' })).toBeUndefined();
    });
  });

  describe('scale-ups', () => {
    it('lists only the scale-ups still in force, with a TTL a day after they end', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.addScaleUp({ tier: 'sonnet', extraUnits: 2, until: T0 + 10 * MINUTE });
      await store.addScaleUp({ tier: 'sonnet', extraUnits: 3, until: T0 + 60 * MINUTE });
      await store.addScaleUp({ tier: 'haiku', extraUnits: 1, until: T0 - MINUTE });

      const atT0 = await store.listScaleUps(T0);
      const later = await store.listScaleUps(T0 + 10 * MINUTE);

      expect(atT0).toEqual(expect.arrayContaining([
        { tier: 'sonnet', extraUnits: 2, until: T0 + 10 * MINUTE },
        { tier: 'sonnet', extraUnits: 3, until: T0 + 60 * MINUTE },
      ]));
      expect(atT0).toHaveLength(2);
      expect(later).toEqual([{ tier: 'sonnet', extraUnits: 3, until: T0 + 60 * MINUTE }]);
      const stored = await item(stateTable(), { pk: `SCALEUP#sonnet#${T0 + 60 * MINUTE}#3` });
      expect(stored).toEqual({ pk: `SCALEUP#sonnet#${T0 + 60 * MINUTE}#3`, tier: 'sonnet', extraUnits: 3, until: T0 + 60 * MINUTE, expiresAt: (T0 + 60 * MINUTE) / 1000 + 86_400 });
    });

    it('writes a retried scale-up once and keeps different ones apart', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      const scaleUp = { tier: 'sonnet' as const, extraUnits: 2, until: T0 + 60 * MINUTE };

      await store.addScaleUp(scaleUp);
      await store.addScaleUp(scaleUp);
      await store.addScaleUp({ ...scaleUp, extraUnits: 4 });

      expect(await store.listScaleUps(T0)).toHaveLength(2);
    });

    it('does not mix scale-ups into the serving state', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await store.addScaleUp({ tier: 'haiku', extraUnits: 1, until: T0 + MINUTE });

      expect(await store.readServingState()).toEqual({ targets: { haiku: onDemandTarget('haiku'), sonnet: onDemandTarget('sonnet') } });
    });

    it('throws on a malformed scale-up rather than dropping it unseen', async () => {
      const store = new DynamoCapacityStateStore(documents, stateTable());
      await put(stateTable(), { pk: 'SCALEUP#opus#1#1', tier: 'opus', extraUnits: 0, until: T0 + MINUTE });

      await expect(store.listScaleUps(T0)).rejects.toThrow(/"SCALEUP#opus#1#1".*tier must be one of haiku, sonnet.*extraUnits must be an integer >= 1/);
    });
  });

  describe('event calendar', () => {
    it('round-trips both kinds of event and stores them in the documented layout', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable(), { now: () => T0 });

      await calendar.add(XMAS);
      await calendar.add(FRIDAY);

      expect(await calendar.list()).toEqual([FRIDAY, XMAS]);
      expect(await item(calendarTable(), { id: 'xmas-sale' })).toEqual({
        id: 'xmas-sale',
        kind: 'once',
        name: 'Christmas sale',
        multiplier: 3,
        leadMinutes: 90,
        start: '2026-12-24T18:00:00+09:00',
        end: '2026-12-25T00:00:00+09:00',
        updatedAt: '2026-12-07T00:00:00+09:00',
      });
      expect(await item(calendarTable(), { id: 'friday-drop' })).toEqual({
        id: 'friday-drop',
        kind: 'weekly',
        name: 'Friday drop',
        multiplier: 2,
        leadMinutes: 30,
        weekday: 'friday',
        at: '20:00',
        durationMinutes: 120,
        updatedAt: '2026-12-07T00:00:00+09:00',
      });
    });

    it('keeps an event\'s budget multiplier (the guardian\'s event pool) and rejects a row whose multiplier is not a number', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable(), { now: () => T0 });
      const matsuri: OneOffEvent = { ...XMAS, id: 'manga-matsuri', name: 'Manga Matsuri', budgetMultiplier: 2.4 };

      await calendar.add(matsuri);
      await put(calendarTable(), { id: 'bad-pool', kind: 'once', name: 'Bad pool', multiplier: 2, leadMinutes: 0, start: '2026-12-30T00:00:00+09:00', end: '2026-12-31T00:00:00+09:00', budgetMultiplier: 'lots' });

      expect(await item(calendarTable(), { id: 'manga-matsuri' })).toMatchObject({ budgetMultiplier: 2.4 });
      const { events, rejected } = await calendar.listWithProblems();
      expect(events).toEqual([matsuri]);
      expect(rejected.map((row) => [row.id, row.problems])).toEqual([['bad-pool', ['budgetMultiplier must be a number, got "lots"']]]);
    });

    it('keeps instants with milliseconds and leads in seconds exact', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      const odd: OneOffEvent = { ...XMAS, id: 'odd', start: XMAS.start + 1234, end: XMAS.end + 5, leadMs: 90_000 };

      await calendar.add(odd);

      expect(await calendar.list()).toEqual([odd]);
    });

    it('refuses a duplicate id with a CalendarError and keeps the first event', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      await calendar.add(XMAS);

      const duplicate = calendar.add({ ...XMAS, name: 'Another sale', multiplier: 5 });

      await expect(duplicate).rejects.toBeInstanceOf(CalendarError);
      await expect(calendar.add({ ...XMAS, name: 'Another sale' })).rejects.toThrow('an event with id "xmas-sale" already exists');
      expect(await calendar.list()).toEqual([XMAS]);
    });

    it('refuses an invalid event without writing it', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());

      await expect(calendar.add({ ...XMAS, multiplier: 50 })).rejects.toThrow(CalendarError);

      expect(await item(calendarTable(), { id: 'xmas-sale' })).toBeUndefined();
    });

    it('removes an event, and says when there was none', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      await calendar.add(FRIDAY);

      expect(await calendar.remove('friday-drop')).toBe(true);
      expect(await calendar.remove('friday-drop')).toBe(false);
      expect(await calendar.list()).toEqual([]);
    });

    it('skips rows operators broke and reports each with its problems', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      await calendar.add(XMAS);
      await put(calendarTable(), { id: 'no-offset', kind: 'once', name: 'Sale', multiplier: 2, leadMinutes: 60, start: '2026-12-30T18:00:00', end: '2026-12-31T00:00:00+09:00' });
      await put(calendarTable(), { id: 'too-big', kind: 'weekly', name: 'Huge', multiplier: 100, leadMinutes: 60, weekday: 'monday', at: '25:00', durationMinutes: 60 });
      await put(calendarTable(), { id: 'what', kind: 'monthly', name: 'Monthly', multiplier: 2, leadMinutes: 60 });
      await put(calendarTable(), { id: 'missing', kind: 'weekly', name: 'Missing', weekday: 'sunday', at: '10:00' });

      const { events, rejected } = await calendar.listWithProblems();

      expect(events).toEqual([XMAS]);
      expect(await calendar.list()).toEqual([XMAS]);
      expect(rejected.map((row) => row.id)).toEqual(['missing', 'no-offset', 'too-big', 'what']);
      const problems = Object.fromEntries(rejected.map((row) => [row.id, row.problems.join(' | ')]));
      expect(problems['no-offset']).toMatch(/start must be an ISO 8601 instant with an offset/);
      expect(problems['too-big']).toMatch(/multiplier must be above 0 and at most 20.*at must be an HH:MM time/);
      expect(problems['what']).toMatch(/kind must be "once" or "weekly"/);
      expect(problems['missing']).toMatch(/multiplier must be a number, got nothing.*leadMinutes must be a number.*durationMinutes must be a number/);
      expect(rejected.find((row) => row.id === 'what')?.item).toMatchObject({ kind: 'monthly' });
    });

    it('reads a row an operator wrote with a bare date as JST midnight', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      await put(calendarTable(), { id: 'new-year', kind: 'once', name: 'New year', multiplier: 2, leadMinutes: 0, start: '2027-01-01', end: '2027-01-02T00:00:00Z' });

      expect(await calendar.list()).toEqual([
        { id: 'new-year', kind: 'once', name: 'New year', multiplier: 2, leadMs: 0, start: parseInstant('2027-01-01T00:00:00+09:00'), end: Date.parse('2027-01-02T00:00:00Z') },
      ]);
    });

    it('reads every row when the scan is paginated', async () => {
      const calendar = new DynamoCalendarStore(documents, calendarTable());
      await calendar.add(XMAS);
      await calendar.add(FRIDAY);
      await put(calendarTable(), { id: 'broken', kind: 'once' });

      const listing = await new DynamoCalendarStore(onePerPage(), calendarTable()).listWithProblems();

      expect(listing.events).toEqual([FRIDAY, XMAS]);
      expect(listing.rejected.map((row) => row.id)).toEqual(['broken']);
      expect(scanPages).toBeGreaterThanOrEqual(3);
    });
  });
});
