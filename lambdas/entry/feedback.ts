import { DynamoAnswerRecordStore } from '../adapters/dynamodb-answer-records';
import { DynamoExperimentStore } from '../adapters/dynamodb-experiments';
import { DynamoSessionStore } from '../adapters/dynamodb-stores';
import { makeFeedbackHandler } from '../handlers/feedback';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { lambdaFrameDeps } from '../runtime/frame-deps';
import { instrument } from '../runtime/instrument';

const config = loadConfig(process.env, ['SESSIONS_TABLE', 'EXPERIMENTS_TABLE', 'EXPERIMENTS_CONFIG', 'AWS_REGION', 'CONNECTIONS_ENDPOINT']);
const documents = createDocumentClient({ region: config.AWS_REGION });

// Metrics go through the frame deps' Powertools sink (EMF, namespace MangaAssist): the Feedback and Csat series
// the satisfaction and CSAT alarms read.
export const handler = instrument(
  makeFeedbackHandler({
    ...lambdaFrameDeps(config.AWS_REGION, config.CONNECTIONS_ENDPOINT),
    feedback: {
      answers: new DynamoAnswerRecordStore(documents, config.SESSIONS_TABLE),
      sessions: new DynamoSessionStore(documents, config.SESSIONS_TABLE),
      // A rating counts on its experiment arm and in its intent's satisfaction bucket (the rollback window).
      experiments: new DynamoExperimentStore(documents, config.EXPERIMENTS_TABLE),
      satisfactionBucketMinutes: config.EXPERIMENTS_CONFIG.rollback.bucketMinutes,
    },
  }),
);
