import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** `<namePrefix>-alarms`. */
  readonly namePrefix: string;
  /** An address to subscribe (it must confirm the subscription e-mail AWS sends); none: subscribe by hand or by chatbot. */
  readonly email?: string;
}

/**
 * The one notification topic of every runbook alarm (DESIGN section 6), on ALARM and OK. Encrypted with a key of
 * its own: the AWS-managed `alias/aws/sns` key cannot be used by CloudWatch alarms (its policy cannot be edited to
 * let cloudwatch.amazonaws.com encrypt), so alarms would silently fail to publish. The key policy lets CloudWatch
 * encrypt with it; the topic policy lets CloudWatch publish for this account only, and requires TLS.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  /** The action every RunbookAlarms row gets (RunbookAlarmsProps.notify). */
  readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `MangaAssist alarm notifications (${props.namePrefix})`,
      enableKeyRotation: true,
      // Messages in flight are lost with the key; nothing is stored under it, so a replacement costs nothing.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy "*" is this key.
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-alarms`,
      displayName: 'MangaAssist alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces the default one that let this account publish; CloudWatch alarms need their own grant
    // beside the TLS-only deny that enforceSSL adds.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }
}
