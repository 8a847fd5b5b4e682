import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One cdk-nag rule this library suppresses on its own resources, with the reason. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: string[];
}

/**
 * Records cdk-nag suppressions on a construct's CloudFormation resource, in the metadata
 * format cdk-nag reads (`cdk_nag.rules_to_suppress`). Written directly so that users inherit
 * the suppressions without this library depending on cdk-nag at run time.
 */
export function suppressNag(construct: IConstruct, suppressions: NagSuppression[], applyToChildren = false): void {
  const targets = applyToChildren ? construct.node.findAll() : [construct];
  for (const target of targets) {
    const resource = (target.node.defaultChild ?? target) as IConstruct;
    if (!CfnResource.isCfnResource(resource)) {
      continue;
    }
    const existing: Array<Record<string, unknown>> = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    const added = suppressions.map((s) => ({
      reason: s.reason,
      id: s.id,
      ...(s.appliesTo ? { applies_to: s.appliesTo } : {}),
    }));
    const unique = [...new Set([...existing, ...added].map((r) => JSON.stringify(r)))].map((r) => JSON.parse(r));
    resource.addMetadata('cdk_nag', { rules_to_suppress: unique });
  }
}
