import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
// cdk-nag's own rendering of a resource for IAM5 finding ids (as lib/compliance.ts uses it).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';

export interface WidgetHostingProps {
  /** The bundled widget (local/widget-build.ts), deployed as `mangaassist-chat.js`. */
  readonly script: string;
  /**
   * The storefront origins (the `auth` parameter's `allowedOrigins`): CORS for them lets a page load the script with
   * `crossorigin="anonymous"` and a Subresource Integrity hash. Empty: no CORS header, a plain `<script>` still works.
   */
  readonly allowedOrigins: readonly string[];
  readonly priceClass: cloudfront.PriceClass;
}

/** The object key of the widget script in the bucket and its path on the distribution. */
export const WIDGET_SCRIPT_KEY = 'mangaassist-chat.js';

/**
 * The web chat widget's one file, served by CloudFront from a private S3 bucket through origin access control: the
 * bucket blocks all public access and its policy admits only this distribution (`AWS:SourceArn`). HTTPS only, the
 * standard security headers, access logs of the bucket and the distribution in a log bucket. A deploy uploads the
 * script and invalidates its path, so pages get the new version within the 5-minute browser cache.
 */
export class WidgetHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly scriptUrl: string;

  constructor(scope: Construct, id: string, props: WidgetHostingProps) {
    super(scope, id);
    const logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL grant to the log delivery account.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the widget bucket and distribution; logging its own access would log into itself without end.',
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'MangaAssist widget script: security headers, CORS for the storefront origins',
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      ...(props.allowedOrigins.length > 0 && {
        corsBehavior: {
          accessControlAllowOrigins: [...props.allowedOrigins],
          accessControlAllowMethods: ['GET', 'HEAD'],
          accessControlAllowHeaders: ['*'],
          accessControlAllowCredentials: false,
          originOverride: true,
        },
      }),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'MangaAssist web chat widget',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      priceClass: props.priceClass,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'The widget script is public and the store sells worldwide; who may chat is decided by the $connect authorizer (token and Origin), not by geography.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'The distribution serves one static, cached public file from a private bucket; there is no dynamic origin for a WAF web ACL to protect, and the chat API has its own throttling.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'With the default *.cloudfront.net certificate CloudFront cannot pin TLSv1.2_2021 for viewers; a store serving the widget from its own domain adds its certificate and TLS_V1_2_2021 applies.',
    });

    new s3deploy.BucketDeployment(this, 'Script', {
      sources: [s3deploy.Source.data(WIDGET_SCRIPT_KEY, props.script)],
      destinationBucket: this.bucket,
      contentType: 'text/javascript; charset=utf-8',
      // Short: one file name for every version, so a new deploy reaches browsers within minutes.
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      prune: false,
      distribution: this.distribution,
      distributionPaths: [`/${WIDGET_SCRIPT_KEY}`],
    });
    acknowledgeDeploymentHandler(this);
    this.scriptUrl = `https://${this.distribution.distributionDomainName}/${WIDGET_SCRIPT_KEY}`;
    new CfnOutput(this, 'WidgetScriptUrl', { value: this.scriptUrl, description: 'The web chat widget script: <script src="..."> on the storefront pages' });
  }
}

/**
 * BucketDeployment runs one CDK-provided function per stack (a singleton at the stack's root) that copies the asset
 * into the bucket and invalidates the distribution. Its role, runtime and permissions are the library's; the findings
 * cdk-nag raises on them are acknowledged on those resources, each with why.
 */
const acknowledgeDeploymentHandler = (scope: Construct): void => {
  const handler = Stack.of(scope).node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler === undefined) throw new Error('the BucketDeployment handler was not found: aws-cdk-lib changed its construct id');
  const role = handler.node.findChild('ServiceRole');
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The deployment handler is aws-cdk-lib BucketDeployment\'s own function; it only writes its CloudWatch logs with this managed policy, at deploy time only.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on "*" (CloudFront invalidations have no resource-level scope) to invalidate the widget path.',
  });
  for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `BucketDeployment's grants on the CDK asset bucket (read) and the widget bucket (write), as aws-cdk-lib's grantRead/grantWrite express them with ${action}; scoped to those two buckets.`,
    });
  }
  // The two buckets' object wildcards (the CDK asset bucket, read; the widget bucket, written), rendered as cdk-nag renders them.
  const stack = Stack.of(scope);
  const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
  const document = stack.resolve(policy.document) as { Statement?: { Resource?: unknown }[] };
  for (const statement of document.Statement ?? []) {
    for (const resource of [statement.Resource ?? []].flat()) {
      const rendered = flattenCfnReference(resource);
      if (rendered.endsWith('/*')) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${rendered}]`,
          reason: 'BucketDeployment reads the CDK asset bucket\'s objects and writes the widget bucket\'s: object-level grants on exactly those two buckets.',
        });
      }
    }
  }
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The runtime of BucketDeployment\'s handler is chosen by aws-cdk-lib (a Python runtime it supports); it runs only during deployments and moves with aws-cdk-lib upgrades.',
  });
};
