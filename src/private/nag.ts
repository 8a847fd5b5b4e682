import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/** One cdk-nag rule this library suppresses on its own resources, with the reason. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  /**
   * The findings of a granular rule (e.g. `AwsSolutions-IAM5`) this suppression covers,
   * exactly as cdk-nag names them (`Resource::...`, `Action::...`, `Policy::...`).
   */
  readonly appliesTo?: string[];
}

/** The compliance packs whose rule ids the library names: NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1. */
const PACK_RULES: Record<string, string[]> = {
  'NIST.800.53.R5': ['EC2RestrictedCommonPorts', 'IAMNoInlinePolicy', 'LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC',
    'S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled', 'S3DefaultEncryptionKMS'],
  'HIPAA.Security': ['EC2RestrictedCommonPorts', 'IAMNoInlinePolicy', 'LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC',
    'S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled', 'S3DefaultEncryptionKMS'],
  'PCI.DSS.321': ['EC2RestrictedCommonPorts', 'IAMNoInlinePolicy', 'LambdaInsideVPC',
    'S3BucketLoggingEnabled', 'S3BucketReplicationEnabled', 'S3BucketVersioningEnabled', 'S3DefaultEncryptionKMS'],
};

/** The same reason for a rule in each compliance pack that has it (`NIST.800.53.R5-<rule>`, ...). */
export function packSuppressions(rule: string, reason: string): NagSuppression[] {
  return Object.entries(PACK_RULES).filter(([, rules]) => rules.includes(rule)).map(([pack]) => ({ id: `${pack}-${rule}`, reason }));
}

/**
 * Records cdk-nag suppressions on a construct's CloudFormation resource, in the metadata
 * format cdk-nag reads (`cdk_nag.rules_to_suppress`). Written directly so that users inherit
 * the suppressions without this library depending on cdk-nag at run time. Suppressions of
 * the same rule with the same reason are merged (their `appliesTo` united).
 */
export function suppressNag(construct: IConstruct, suppressions: NagSuppression[], applyToChildren = false): void {
  const targets = applyToChildren ? construct.node.findAll() : [construct];
  for (const target of targets) {
    const resource = (target.node.defaultChild ?? target) as IConstruct;
    if (!CfnResource.isCfnResource(resource)) {
      continue;
    }
    const rules: Array<{ reason: string; id: string; applies_to?: string[] }> = [...(resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [])];
    for (const s of suppressions) {
      const same = rules.find((r) => r.id === s.id && r.reason === s.reason && (r.applies_to !== undefined) === (s.appliesTo !== undefined));
      if (!same) {
        rules.push({ reason: s.reason, id: s.id, ...(s.appliesTo ? { applies_to: [...s.appliesTo] } : {}) });
      } else if (same.applies_to && s.appliesTo) {
        same.applies_to = [...new Set([...same.applies_to, ...s.appliesTo])];
      }
    }
    resource.addMetadata('cdk_nag', { rules_to_suppress: rules });
  }
}

/**
 * A CloudFormation value as cdk-nag writes it in finding ids: `Ref` as `<Id>`, `Fn::GetAtt` as
 * `<Id.Attr>`, `Fn::Join` joined, `${X}` of `Fn::Sub` as `<X>`. (cdk-nag's `flattenCfnReference`.)
 */
export function flattenCfnValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\${/g, '<').replace(/}/g, '>');
  const node = value as Record<string, any>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'];
    return (items as unknown[]).map(flattenCfnValue).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnValue(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'];
    return `<${flattenCfnValue(resource)}.${flattenCfnValue(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnValue(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnValue(node.Ref)}>`;
  return JSON.stringify(value);
}

/** A statement as cdk-nag sees it: its effect, and its actions and resources as lists of flat strings. */
export interface FlatStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
}

/** A statement as CloudFormation will hold it (JSON, with intrinsics), flattened. */
export function flattenStatementJson(json: any): FlatStatement {
  const list = (x: unknown): unknown[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  return {
    effect: json.Effect,
    actions: list(json.Action).map((a) => String(a)),
    resources: list(json.Resource).map(flattenCfnValue),
  };
}

/** A statement as CloudFormation will hold it, flattened. */
export function resolveStatement(scope: IConstruct, statement: iam.PolicyStatement): FlatStatement {
  return flattenStatementJson(Stack.of(scope).resolve(statement.toStatementJson()));
}

/** The statements of a policy as they are now, flattened. */
export function resolvePolicy(policy: iam.Policy): FlatStatement[] {
  const json = Stack.of(policy).resolve(policy.document.toJSON());
  return (json?.Statement ?? []).map(flattenStatementJson);
}

/**
 * The `AwsSolutions-IAM5` findings of a statement, named as cdk-nag names them: each action
 * with a `*` (`Action::s3:GetObject*`) and each resource with a `*` (`Resource::arn:...:instance/*`).
 * Deny statements have none.
 */
export function wildcardFindings(statement: FlatStatement): string[] {
  if (statement.effect !== 'Allow') return [];
  return [
    ...statement.actions.filter((a) => a.includes('*')).map((a) => `Action::${a}`),
    ...statement.resources.filter((r) => r.includes('*')).map((r) => `Resource::${r}`),
  ];
}

/** What each wildcard finding of a policy is used by, so far (a policy may get statements in several steps). */
const wildcardUses = new WeakMap<IConstruct, Map<string, string[]>>();

/**
 * Suppresses, on `policy` (an `iam.Policy` or its `CfnPolicy`), exactly the `AwsSolutions-IAM5`
 * findings of `statements`, each with the reason `why` gives for the statement (a statement
 * without a reason keeps its findings). One suppression per finding, whose reason names every
 * action that uses the wildcard (also those of earlier calls for the same policy), so that the
 * reason covers exactly what is suppressed.
 */
export function suppressWildcardFindings(policy: IConstruct, statements: Array<iam.PolicyStatement | FlatStatement>,
  why: (statement: FlatStatement, index: number) => string | undefined): void {
  const resource = (policy.node.defaultChild ?? policy) as IConstruct;
  if (!CfnResource.isCfnResource(resource)) return;
  const uses = wildcardUses.get(resource) ?? new Map<string, string[]>();
  wildcardUses.set(resource, uses);
  const touched = new Set<string>();
  for (const [index, statement] of statements.entries()) {
    const flat = statement instanceof iam.PolicyStatement ? resolveStatement(policy, statement) : statement;
    const reason = why(flat, index);
    if (!reason) continue;
    for (const finding of wildcardFindings(flat)) {
      uses.set(finding, [...new Set([...(uses.get(finding) ?? []), `${flat.actions.join(', ')}: ${reason}`])]);
      touched.add(finding);
    }
  }
  if (touched.size === 0) return;
  const isTouched = (r: { id: string; applies_to?: string[] }) =>
    r.id === 'AwsSolutions-IAM5' && r.applies_to?.length === 1 && touched.has(r.applies_to[0]);
  const rules = (resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []).filter((r: any) => !isTouched(r));
  resource.addMetadata('cdk_nag', { rules_to_suppress: rules });
  suppressNag(resource, [...touched].map((finding) => ({
    id: 'AwsSolutions-IAM5',
    reason: `${finding.replace(/^(Action|Resource)::/, '')} is used only by ${uses.get(finding)!.join('; ')}`,
    appliesTo: [finding],
  })));
}
