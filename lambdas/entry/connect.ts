import { randomUUID } from 'node:crypto';
import { DynamoSessionStore } from '../adapters/dynamodb-stores';
import { log } from '../adapters/powertools';
import { makeConnectHandler } from '../handlers/connect';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';

const config = loadConfig(process.env, ['SESSIONS_TABLE', 'AWS_REGION']);
const documents = createDocumentClient({ region: config.AWS_REGION });

export const handler = instrument(
  makeConnectHandler({ sessions: new DynamoSessionStore(documents, config.SESSIONS_TABLE), clock: systemClock, newSessionId: randomUUID, log }),
);
