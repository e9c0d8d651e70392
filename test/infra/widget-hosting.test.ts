import { Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { AwsSolutionsChecks } from 'cdk-nag';
import { buildStacks, type MangaAssistStacks } from '../../lib/app';
import { complianceChecks } from '../../lib/compliance';
import { WIDGET_SCRIPT_KEY } from '../../lib/constructs/widget-hosting';
import { makeParams, newApp } from './fixture';

const STOREFRONT = 'https://shop.example.com';

describe('the widget hosting (widgetHosting parameter): S3 + CloudFront with origin access control', () => {
  let app: App;
  let stacks: MangaAssistStacks;
  let checks: AwsSolutionsChecks;
  let template: Template;

  beforeAll(() => {
    app = newApp();
    stacks = buildStacks(app, makeParams({ widgetHosting: {}, auth: { issuer: 'https://cognito-idp.ap-northeast-1.amazonaws.com/ap-northeast-1_Example', audience: 'exampleclient', allowedOrigins: [STOREFRONT] } }), undefined);
    checks = complianceChecks(app);
    Validations.of(app).addPlugins(checks);
    if (stacks.widget === undefined) throw new Error('no widget stack');
    template = Template.fromStack(stacks.widget);
  });

  // Template's assertions throw on a mismatch; named so the lint rule sees them as assertions.
  const expectResource = (type: string, props: unknown) => template.hasResourceProperties(type, props);
  const expectCount = (type: string, count: number) => template.resourceCountIs(type, count);
  const expectOutput = (id: string, props: unknown) => template.hasOutput(id, props);

  it('is not deployed unless asked for', () => {
    expect(buildStacks(newApp(), makeParams(), undefined).widget).toBeUndefined();
  });

  it('passes the cdk-nag AWS Solutions checks, with every acknowledgement on a resource', () => {
    const report = checks.validateScope(stacks.widget as never);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('keeps the bucket private: all public access blocked, TLS only, readable by this distribution alone', () => {
    expectResource('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'bucket/' }),
    });
    expectCount('AWS::CloudFront::OriginAccessControl', 1);
    expectResource('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    expectResource('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    // No legacy origin access identity.
    expectCount('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  it('serves HTTPS only, logs, and allows the storefront origins by CORS', () => {
    expectResource('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD'], Compress: true }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        PriceClass: 'PriceClass_200',
      }),
    });
    expectResource('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        CorsConfig: Match.objectLike({ AccessControlAllowOrigins: { Items: [STOREFRONT] }, AccessControlAllowCredentials: false }),
        SecurityHeadersConfig: Match.objectLike({ ContentTypeOptions: { Override: true } }),
      }),
    });
  });

  it('deploys the built widget as text/javascript and invalidates its path', () => {
    expectResource('Custom::CDKBucketDeployment', {
      SystemMetadata: Match.objectLike({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }),
      DistributionPaths: [`/${WIDGET_SCRIPT_KEY}`],
      Prune: false,
    });
    expectOutput('*', { Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([`/${WIDGET_SCRIPT_KEY}`])]) }) });
  });

  it('refuses an unknown field in the parameter', () => {
    expect(() => makeParams({ widgetHosting: { bucketName: 'x' } as never })).toThrow(/widgetHosting/);
  });
});
