import { Stack, type StackProps } from 'aws-cdk-lib';
import { PriceClass } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import { buildWidgetSync } from '../../local/widget-build';
import { WidgetHosting } from '../constructs/widget-hosting';
import { resolveAuthConfig, type DeployParameters } from '../parameters';

export interface WidgetStackProps extends StackProps {
  readonly parameters: DeployParameters;
  /** The built widget; built from web/widget at synthesis when absent. */
  readonly script?: string;
}

/** The optional hosting of the web chat widget's script (the `widgetHosting` parameter). Stateless apart from its logs. */
export class WidgetStack extends Stack {
  readonly hosting: WidgetHosting;

  constructor(scope: Construct, id: string, props: WidgetStackProps) {
    super(scope, id, props);
    const priceClass = props.parameters.widgetHosting?.priceClass ?? 'PriceClass_200';
    this.hosting = new WidgetHosting(this, 'WidgetHosting', {
      script: props.script ?? buildWidgetSync().code,
      allowedOrigins: resolveAuthConfig(props.parameters).policy.allowedOrigins,
      priceClass: PriceClass[priceClass === 'PriceClass_100' ? 'PRICE_CLASS_100' : priceClass === 'PriceClass_All' ? 'PRICE_CLASS_ALL' : 'PRICE_CLASS_200'],
    });
  }
}
