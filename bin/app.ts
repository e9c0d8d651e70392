import { App, Validations } from 'aws-cdk-lib';
import { buildStacks } from '../lib/app';
import { complianceChecks } from '../lib/compliance';
import { ParametersError, readParameters } from '../lib/parameters';

const app = new App();
try {
  buildStacks(app, readParameters(app));
} catch (error) {
  // Bad deploy parameters: print the list of problems, not a stack trace.
  if (!(error instanceof ParametersError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// cdk-nag AWS Solutions checks: an unacknowledged finding fails the synth.
Validations.of(app).addPlugins(complianceChecks(app));
app.synth();
