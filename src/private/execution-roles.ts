import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, Dependable, IConstruct } from 'constructs';
import { ExecutionPolicyPurpose, suppressExecutionPolicyFindings, suppressExecutionRoleFindings } from './cluster-nag';
import type { LifecycleScriptsBinding } from './lifecycle-binding';
import { flattenCfnValue, resolveStatement } from './nag';
import * as perms from './permissions';

/** The id of the warning about an execution role the construct cannot change (acknowledge it with this id). */
export const IMMUTABLE_ROLE_WARNING = 'hyperpod-cdk:immutable-execution-role';

/**
 * Grants execution roles what HyperPod nodes need, following CDK's convention for roles that are
 * passed in:
 * - a role the construct created: the statements go into the construct's own policy
 *   (`ExecutionRolePolicy`), not into the role's default policy, so that statements the user
 *   adds to `executionRole` keep every cdk-nag finding; its suppressions name exactly its wildcards;
 * - a mutable role (an `iam.Role` of the app, or one imported with `mutable: true`, the
 *   default): the same statements, through `addToPrincipalPolicy`;
 * - an immutable role (`mutable: false`, `withoutPolicyUpdates()`, another account's role):
 *   nothing, and a warning that lists the permissions it needs.
 * Every grant happens once per role (and key, group or script source).
 */
export class ExecutionRoleGrants {
  private readonly ownPolicies = new Map<iam.IRole, iam.Policy>();
  private readonly mutable = new Map<iam.IRole, boolean>();
  private readonly done = new Set<string>();

  constructor(private readonly scope: Construct) {}

  /** The policies that hold the library's statements for the roles it created. */
  public get policies(): iam.Policy[] {
    return [...this.ownPolicies.values()];
  }

  /** A new role, owned by the construct, and its policy for the library's statements. */
  public createRole(id: string, props: iam.RoleProps): iam.Role {
    const role = new iam.Role(this.scope, id, props);
    this.ownPolicies.set(role, new iam.Policy(this.scope, `${id}Policy`, { roles: [role] }));
    suppressExecutionRoleFindings(role);
    return role;
  }

  /** Network interfaces, image pulls and Pod Identity (`perms.eksNodeStatements`), once per role. */
  public grantNode(role: iam.IRole, network: perms.NodeNetwork, eksClusterArn: string): void {
    this.grant(role, `node:${role.node.addr}`, 'node', perms.eksNodeStatements(this.scope, network, eksClusterArn),
      'the nodes (network interfaces, image pulls, Pod Identity)', ' It also needs the AWS managed policy '
      + `${perms.EXECUTION_ROLE_MANAGED_POLICY} and a trust policy for ${perms.EXECUTION_ROLE_PRINCIPAL}.`);
  }

  /** Network interfaces in a group's own subnets and security groups (`OverrideVpcConfig`). */
  public grantNetwork(role: iam.IRole, group: IConstruct, groupName: string, network: perms.NodeNetwork): void {
    this.grant(role, `network:${role.node.addr}:${group.node.addr}`, 'other', [perms.extraNetworkStatement(this.scope, network)],
      `the network interfaces of instance group '${groupName}' in its own subnets and security groups`);
  }

  /** `kms:CreateGrant` (for AWS resources) and `kms:DescribeKey` on a key of the nodes' EBS volumes. */
  public grantVolumeKey(role: iam.IRole, key: kms.IKey, groupName: string, prop: string): void {
    this.grant(role, `kms:${role.node.addr}:${key.node.addr}`, 'other', perms.volumeKeyStatements(key.keyArn),
      `the ${prop} of instance group '${groupName}'`);
  }

  /** Read on a lifecycle-script source (and decrypt on its bucket's key), once per role and source. */
  public grantLifecycle(role: iam.IRole, binding: LifecycleScriptsBinding): void {
    const key = `lifecycle:${role.node.addr}:${binding.config.sourceS3Uri}`;
    if (this.done.has(key)) return;
    this.done.add(key);
    const own = this.ownPolicies.get(role);
    if (own) {
      const added: iam.PolicyStatement[] = [];
      binding.grantRead(routeGrants(role, (statement) => {
        added.push(statement);
        own.addStatements(statement);
        return { statementAdded: true, policyDependable: own };
      }));
      suppressExecutionPolicyFindings(own, added, 'lifecycle');
    } else if (this.isMutable(role)) {
      binding.grantRead(role);
    } else {
      this.warn(role, `the lifecycle scripts: s3:ListBucket on their bucket and s3:GetObject on ${readable(this.scope, binding.config.sourceS3Uri)}*`
        + ' (and kms:Decrypt on the bucket\'s KMS key, if it has one).');
    }
  }

  private grant(role: iam.IRole, key: string, purpose: ExecutionPolicyPurpose, statements: iam.PolicyStatement[],
    what: string, note = ''): void {
    if (this.done.has(key)) return;
    this.done.add(key);
    const own = this.ownPolicies.get(role);
    if (own) {
      own.addStatements(...statements);
      suppressExecutionPolicyFindings(own, statements, purpose);
      return;
    }
    let pending = statements;
    if (!this.mutable.has(role)) {
      // the first statement of the first grant tells whether the role takes statements
      this.mutable.set(role, probeMutable(role, statements[0]));
      pending = statements.slice(1);
    }
    if (this.mutable.get(role)) {
      pending.forEach((s) => role.addToPrincipalPolicy(s));
    } else {
      this.warn(role, `${what}: ${statements.map((s) => describe(this.scope, s)).join('; ')}.${note}`);
    }
  }

  private isMutable(role: iam.IRole): boolean {
    if (!this.mutable.has(role)) {
      // grantNode always comes first, so this is only a fallback
      this.mutable.set(role, iam.Role.isRole(role));
    }
    return this.mutable.get(role)!;
  }

  private warn(role: iam.IRole, needs: string): void {
    const name = Token.isUnresolved(role.roleArn) ? role.node.path : role.roleArn;
    Annotations.of(this.scope).addWarningV2(IMMUTABLE_ROLE_WARNING, `The execution role ${name} cannot be changed (imported `
      + 'with mutable: false, withoutPolicyUpdates(), or from another account), so hyperpod-cdk adds no permission to it. '
      + `Grant it yourself, for ${needs}`);
  }
}

/**
 * Whether `role` takes statements, found by adding `statement` (a statement it needs anyway):
 * an `iam.Role` of the app does; an imported mutable role does and returns the policy it created;
 * an immutable role (`ImmutableRole`, which reports every statement as added) returns nothing to
 * depend on.
 */
function probeMutable(role: iam.IRole, statement: iam.PolicyStatement): boolean {
  const result = role.addToPrincipalPolicy(statement);
  if (!result.statementAdded) return false;
  if (iam.Role.isRole(role)) return true;
  return result.policyDependable !== undefined && Dependable.of(result.policyDependable).dependencyRoots.length > 0;
}

/**
 * `role`, with its statements (also those of key grants, which go through `grantPrincipal`)
 * sent to `add` instead of the role's default policy.
 */
function routeGrants(role: iam.IRole, add: (statement: iam.PolicyStatement) => iam.AddToPrincipalPolicyResult): iam.IRole {
  const routed: iam.IRole = new Proxy(role, {
    get(target, prop) {
      if (prop === 'addToPrincipalPolicy') return add;
      if (prop === 'addToPolicy') return (statement: iam.PolicyStatement) => add(statement).statementAdded;
      if (prop === 'grantPrincipal') return routed;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return routed;
}

/** `actions on resources [if conditions]`, with references written as cdk-nag writes them. */
function describe(scope: IConstruct, statement: iam.PolicyStatement): string {
  const { actions, resources } = resolveStatement(scope, statement);
  const conditions = Object.keys(statement.conditions).length > 0
    ? ` if ${JSON.stringify(Stack.of(scope).resolve(statement.conditions))}`
    : '';
  return `${actions.join(', ')} on ${resources.join(', ')}${conditions}`;
}

function readable(scope: IConstruct, value: string): string {
  return flattenCfnValue(Stack.of(scope).resolve(value));
}
