import { lambdaFrameDeps, warnIfMessageTextSwitchSet } from '../../lambdas/runtime/frame-deps';
import { RecordingLog } from '../support/fakes';

describe('LOG_MESSAGE_TEXT in Lambda', () => {
  const saved = process.env['LOG_MESSAGE_TEXT'];

  afterEach(() => {
    if (saved === undefined) delete process.env['LOG_MESSAGE_TEXT'];
    else process.env['LOG_MESSAGE_TEXT'] = saved;
  });

  it('is ignored: the frame routes are built without message text, whatever the environment says', () => {
    process.env['LOG_MESSAGE_TEXT'] = '1';

    const deps = lambdaFrameDeps('ap-northeast-1');

    expect(deps.logMessageText).toBe(false);
  });

  it('tells whoever set it that it has no effect there', () => {
    const log = new RecordingLog();

    warnIfMessageTextSwitchSet({ LOG_MESSAGE_TEXT: '1' }, log);

    expect(log.messages('warn')).toEqual([expect.stringContaining('LOG_MESSAGE_TEXT is ignored in Lambda')]);
  });

  it('says nothing when it is not set', () => {
    const log = new RecordingLog();

    warnIfMessageTextSwitchSet({}, log);

    expect(log.entries).toEqual([]);
  });
});
