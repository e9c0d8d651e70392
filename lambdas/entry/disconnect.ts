import { DynamoSessionStore } from '../adapters/dynamodb-stores';
import { log } from '../adapters/powertools';
import { makeDisconnectHandler } from '../handlers/disconnect';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { instrument } from '../runtime/instrument';

const config = loadConfig(process.env, ['SESSIONS_TABLE', 'AWS_REGION']);
const documents = createDocumentClient({ region: config.AWS_REGION });

export const handler = instrument(makeDisconnectHandler({ sessions: new DynamoSessionStore(documents, config.SESSIONS_TABLE), log }));
