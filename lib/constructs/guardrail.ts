import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import { CfnGuardrail, CfnGuardrailVersion } from 'aws-cdk-lib/aws-bedrock';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APPLY_GUARDRAIL_ACTION, guardrailProfileArnPattern } from '../bedrock-iam';

export { APPLY_GUARDRAIL_ACTION };

/** What the customer reads when the guardrail blocks a message or an answer (the gateway sends `content_blocked`). */
export const BLOCKED_MESSAGE =
  "Sorry, I can't help with that request. I can answer questions about manga, orders, shipping and our store. " +
  '申し訳ありませんが、そのご質問にはお答えできません。マンガ、ご注文、配送、ストアについてお気軽にお尋ねください。';

/** The denied topics: what a manga store's assistant must not give, in the customer's language or in English. */
export const DENIED_TOPICS: readonly CfnGuardrail.TopicConfigProperty[] = [
  {
    name: 'Piracy',
    definition:
      'Finding, downloading or reading manga, anime or light novels from pirate, scanlation, torrent or other unlicensed sources, or getting around paywalls and DRM.',
    examples: ['Where can I read One Piece for free online?', 'Give me a torrent for the latest Jujutsu Kaisen volume', '漫画村みたいな海賊版サイトを教えて', 'How do I remove the DRM from my ebooks?'],
    type: 'DENY',
  },
  {
    name: 'Legal advice',
    definition: 'Advice on legal matters: lawsuits, contracts, copyright disputes, immigration, criminal charges or what a law permits in a specific case.',
    examples: ['Can I sue the publisher for cancelling my series?', 'Is it legal for me to sell fan translations?', '契約違反で訴えられますか？'],
    type: 'DENY',
  },
  {
    name: 'Medical advice',
    definition: 'Diagnosis, treatment, medication or dosage advice, or health decisions for a person.',
    examples: ['What medicine should I take for my headache?', 'Is this rash serious?', '薬はどれくらい飲めばいいですか？'],
    type: 'DENY',
  },
  {
    name: 'Financial advice',
    definition: 'Investment, trading, tax, loan or personal finance advice, including whether to buy stocks, crypto or collectibles as an investment.',
    examples: ['Should I invest in publisher stocks?', 'Which crypto will go up next month?', 'Are first-edition manga a good investment for retirement?'],
    type: 'DENY',
  },
];

/** Harmful content, filtered both ways; prompt attacks on the input only (the service accepts no output strength for them). */
const CONTENT_FILTERS: readonly CfnGuardrail.ContentFilterConfigProperty[] = [
  { type: 'SEXUAL', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  // MEDIUM, not HIGH: manga plots are full of fights; a question about a battle arc must not be refused.
  { type: 'VIOLENCE', inputStrength: 'MEDIUM', outputStrength: 'MEDIUM' },
  { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'INSULTS', inputStrength: 'MEDIUM', outputStrength: 'HIGH' },
  { type: 'MISCONDUCT', inputStrength: 'HIGH', outputStrength: 'HIGH' },
  { type: 'PROMPT_ATTACK', inputStrength: 'HIGH', outputStrength: 'NONE' },
];

/**
 * PII in ANSWERS only (inputEnabled false): a customer may well type their own address to change an order, and that
 * must not be refused. In answers, contact details are masked and payment data blocks the answer. Not NAME: the
 * answers are full of manga characters' and authors' names.
 */
const PII_ENTITIES: readonly CfnGuardrail.PiiEntityConfigProperty[] = [
  ...(['ADDRESS', 'PHONE', 'EMAIL'] as const).map((type) => ({ type, action: 'ANONYMIZE', inputEnabled: false, outputEnabled: true, outputAction: 'ANONYMIZE' })),
  ...(['CREDIT_DEBIT_CARD_NUMBER', 'CREDIT_DEBIT_CARD_CVV', 'CREDIT_DEBIT_CARD_EXPIRY', 'PIN', 'PASSWORD'] as const).map((type) => ({
    type,
    action: 'BLOCK',
    inputEnabled: false,
    outputEnabled: true,
    outputAction: 'BLOCK',
  })),
];

export interface ChatGuardrailProps {
  /** Unique per stage in the account and region (guardrail names are). */
  readonly name: string;
  /**
   * The system guardrail profile for cross-Region inference (e.g. `apac.guardrail.v1:0`). The Standard tier, which
   * understands Japanese (the Classic tier reads English, French and Spanish only), requires one.
   */
  readonly profileId: string;
}

/**
 * The Bedrock guardrail every model answer goes through (issue 9, item 4): denied topics for a manga store (piracy,
 * legal, medical and financial advice), content filters, prompt-attack detection and PII in answers, on the Standard
 * tier for Japanese. A published version (CfnGuardrailVersion) is what the invoke function calls, never the DRAFT:
 * an edit of the guardrail takes effect only with a new version, deployed with the code that expects it.
 */
export class ChatGuardrail extends Construct {
  readonly guardrail: CfnGuardrail;
  readonly version: CfnGuardrailVersion;
  /** GUARDRAIL_ID of the invoke function. */
  readonly guardrailId: string;
  /** GUARDRAIL_VERSION of the invoke function: the published version number. */
  readonly guardrailVersion: string;
  readonly guardrailArn: string;
  private readonly profileArnPattern: string;

  constructor(scope: Construct, id: string, props: ChatGuardrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const policies = {
      blockedInputMessaging: BLOCKED_MESSAGE,
      blockedOutputsMessaging: BLOCKED_MESSAGE,
      topicPolicyConfig: { topicsConfig: [...DENIED_TOPICS], topicsTierConfig: { tierName: 'STANDARD' } },
      contentPolicyConfig: { filtersConfig: [...CONTENT_FILTERS], contentFiltersTierConfig: { tierName: 'STANDARD' } },
      sensitiveInformationPolicyConfig: { piiEntitiesConfig: [...PII_ENTITIES] },
      wordPolicyConfig: { managedWordListsConfig: [{ type: 'PROFANITY' }] },
    };
    this.guardrail = new CfnGuardrail(this, 'Guardrail', {
      name: props.name,
      description: 'MangaAssist chat: denied topics, content filters, prompt attacks and PII in answers',
      ...policies,
      crossRegionConfig: {
        guardrailProfileArn: `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:guardrail-profile/${props.profileId}`,
      },
    });
    // A version is a frozen copy: CloudFormation would keep calling the old one after an edit of the policies. The
    // description carries their digest, so a change replaces the version (a new number) and the function's
    // GUARDRAIL_VERSION with it, in the same deploy.
    const digest = createHash('sha256').update(JSON.stringify({ policies, profileId: props.profileId })).digest('hex').slice(0, 16);
    this.version = new CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `The version the invoke function calls; policies ${digest}`,
    });
    this.guardrailId = this.guardrail.attrGuardrailId;
    this.guardrailVersion = this.version.attrVersion;
    this.guardrailArn = this.guardrail.attrGuardrailArn;
    // The profile routes evaluations to the Regions AWS lists for it; invoking needs the profile in each of them.
    this.profileArnPattern = guardrailProfileArnPattern(props.profileId, { partition: stack.partition, account: stack.account });
  }

  /** bedrock:ApplyGuardrail on this guardrail and its profile: what Converse with `guardrailConfig` is authorized by. */
  applyStatement(sid: string): PolicyStatement {
    return new PolicyStatement({ sid, actions: [APPLY_GUARDRAIL_ACTION], resources: [this.guardrailArn, this.profileArnPattern] });
  }
}
