import { DynamoExperimentStore } from '../adapters/dynamodb-experiments';
import { DynamoRoutingVersionStore } from '../adapters/dynamodb-routing-versions';
import { DynamoRoutingConfigStore } from '../adapters/dynamodb-stores';
import { log, PowertoolsMetricsSink } from '../adapters/powertools';
import { makeExperimentEvaluatorHandler } from '../handlers/experiment-evaluator';
import { createDocumentClient } from '../runtime/clients/dynamodb';
import { loadConfig } from '../runtime/config';
import { instrument } from '../runtime/instrument';
import { systemClock } from '../runtime/system';

const config = loadConfig(process.env, ['EXPERIMENTS_TABLE', 'EXPERIMENTS_CONFIG', 'ROUTING_VERSIONS_TABLE', 'ROUTING_TABLE', 'AWS_REGION']);
const documents = createDocumentClient({ region: config.AWS_REGION });

// Metrics (ExperimentsRunning, ExperimentDecisions, RoutingRollbacks) go out as EMF in the function's logs.
export const handler = instrument(
  makeExperimentEvaluatorHandler({
    experiments: new DynamoExperimentStore(documents, config.EXPERIMENTS_TABLE),
    routing: {
      versions: new DynamoRoutingVersionStore(documents, config.ROUTING_VERSIONS_TABLE),
      legacy: new DynamoRoutingConfigStore(documents, config.ROUTING_TABLE),
      clock: systemClock,
    },
    config: config.EXPERIMENTS_CONFIG,
    clock: systemClock,
    log,
    metrics: new PowertoolsMetricsSink(),
  }),
);
