import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { IsCompleteFunction } from './is-complete-function';
import { OnEventFunction } from './on-event-function';
import { placeFunctions, placementConflict, ProviderPlacement } from './placement';
import { handlerTimeoutSeconds, MAX_TIMEOUT_SECONDS, QUERY_INTERVAL_SECONDS, RESOURCE_TYPES, ResourceKind } from '../../contract/resources';
import { OWNER_TAG_KEY } from '../../contract/scale-down';
import { throwIfProblems } from '../errors';
import { packSuppressions, resolvePolicy, suppressNag, suppressWildcardFindings } from '../nag';
import { handlerStatements } from '../permissions';

/**
 * The provider's construct id in the stack: one per stack, whatever the options. It keeps the
 * name it had when it served only the scale-down: a new id would give every custom resource
 * of the stack a new `ServiceToken`, which CloudFormation refuses.
 */
export const PROVIDER_ID = 'HyperPodScaleDownProvider';

/**
 * The stack-wide provider of the library's custom resources, `Custom::HyperPodScaleDown`
 * (onEvent plans and starts the deletes, isComplete polls until the chosen nodes are gone) and
 * `Custom::HyperPodCapacity` (isComplete polls until a group has enough Running nodes) and
 * `Custom::HyperPodPreflight` (checks the EKS cluster before the HyperPod cluster). The
 * Lambda entries route on the resource type. One per stack, shared by every cluster in it.
 */
export class HyperPodProvider extends Construct {
  /**
   * The stack's provider. It polls for the longest time any resource may take (1 hour); each
   * resource's own timeout travels as its `TimeoutSeconds` property, so changing a timeout
   * never changes a `ServiceToken` (CloudFormation refuses that).
   *
   * @param placement the VPC subnets `scope` needs the functions in; an error when the provider
   * already exists elsewhere (a function's VPC is fixed when it is created)
   */
  public static getOrCreate(scope: Construct, use: ResourceKind, placement?: ProviderPlacement): HyperPodProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID) as HyperPodProvider | undefined;
    if (existing && placement) {
      throwIfProblems(placement.requestedBy, placementConflict(existing.createdBy, existing.placement, placement));
    }
    const provider = existing ?? new HyperPodProvider(stack, PROVIDER_ID, use, scope, placement);
    provider.allow(use);
    return provider;
  }

  public readonly serviceToken: string;
  /** The onEvent and isComplete functions (both run scale-down passes, drains included). */
  public readonly functions: readonly lambda.Function[];
  /** The functions' security group, created when they run in a VPC without given security groups. */
  public readonly ownSecurityGroup?: ec2.SecurityGroup;
  private readonly uses = new Set<ResourceKind>();

  private constructor(scope: Construct, id: string, use: ResourceKind, private readonly createdBy: Construct,
    private readonly placement?: ProviderPlacement) {
    super(scope, id);
    const { options: vpcOptions, ownSecurityGroup } = placeFunctions(this, placement);
    this.ownSecurityGroup = ownSecurityGroup;
    const onEvent = new OnEventFunction(this, 'OnEvent', {
      description: 'hyperpod-cdk: plans and starts targeted scale-downs, starts capacity waits',
      timeout: Duration.minutes(5),
      memorySize: 256,
      ...vpcOptions,
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      description: 'hyperpod-cdk: polls until chosen nodes are gone, or until groups have their Running nodes',
      timeout: Duration.minutes(5),
      memorySize: 256,
      ...vpcOptions,
    });
    this.functions = [onEvent, isComplete];
    this.allow(use);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(QUERY_INTERVAL_SECONDS),
      totalTimeout: Duration.seconds(MAX_TIMEOUT_SECONDS),
    });
    this.serviceToken = provider.serviceToken;
    suppressProviderFindings(this, [onEvent, isComplete], placement !== undefined);
  }

  /** Grants the functions what `use` calls, once. */
  private allow(use: ResourceKind): void {
    if (this.uses.has(use)) {
      return;
    }
    this.uses.add(use);
    for (const fn of this.functions) {
      const statements = handlerStatements(this, use, OWNER_TAG_KEY);
      statements.forEach((statement) => fn.addToRolePolicy(statement));
      const policy = fn.role?.node.tryFindChild('DefaultPolicy');
      if (policy) {
        suppressWildcardFindings(policy, statements, () => HANDLER_WILDCARD_REASONS[use]);
      }
    }
  }
}

/** Why each use's statements name every resource of a kind in the stack's account and Region. */
const HANDLER_WILDCARD_REASONS: Record<ResourceKind, string> = {
  scaleDown: 'a HyperPod cluster ARN holds an id that exists only after creation, and the handler runs before the cluster '
    + 'resource, so it is scoped to the clusters of this account and Region; deletes further to clusters tagged with this stack\'s id',
  capacity: 'a HyperPod cluster ARN holds an id that exists only after creation, so it is scoped to the clusters of this account and Region',
  preflight: 'the stack\'s one provider checks the EKS cluster of every HyperPod cluster in the stack, and an add-on ARN ends '
    + 'in an id EKS makes up, so the preflight reads (no writes) any EKS cluster and add-on of this account and Region',
};

/** The AWS managed policies a Lambda function's role gets from aws-cdk-lib (logs; network interfaces in a VPC). */
const LAMBDA_MANAGED_POLICIES = ['AWSLambdaBasicExecutionRole', 'AWSLambdaVPCAccessExecutionRole'];

/**
 * cdk-nag findings of the provider's resources (all created by this construct, which only the
 * library's own custom resources use), each on the resource it concerns.
 *
 * @param inVpc whether the handler functions run in a VPC (the framework's functions never do)
 */
function suppressProviderFindings(provider: Construct, handlers: lambda.Function[], inVpc: boolean): void {
  const ownFunctions = new Set<IConstruct>(handlers.map((f) => f.node.defaultChild!));
  for (const child of provider.node.findAll()) {
    if (child instanceof lambda.CfnFunction) {
      const own = ownFunctions.has(child);
      suppressNag(child, [
        {
          id: 'AwsSolutions-L1',
          reason: own
            ? 'The handlers\' runtime is pinned with the library (its bundles are built and tested for it) and raised with it'
            : 'aws-cdk-lib\'s custom-resource Provider framework chooses the runtime of its own functions',
        },
        ...packSuppressions('LambdaDLQ', 'Every failure reaches CloudFormation, which fails the deployment: the framework\'s '
          + 'entry function (invoked asynchronously by CloudFormation) reports handler errors in the custom-resource response, '
          + 'and a request nobody answers fails at its timeout; the other functions are invoked synchronously (by the framework '
          + 'and its Step Functions waiter), where a dead-letter queue does not apply. A queue would hold events nothing replays'),
        ...packSuppressions('LambdaConcurrency', 'Runs only during deployments of this stack, a few invocations at a time; reserved '
          + 'concurrency would take capacity from the account\'s unreserved pool'),
        ...(own && inVpc ? [] : packSuppressions('LambdaInsideVPC', own
          ? 'Calls only AWS APIs (SageMaker, EKS) and, to drain nodes, the EKS cluster\'s public Kubernetes API endpoint, and reads '
            + 'no data in a VPC; scaleDown.drain.vpcSubnets places it in a VPC (for a private-only EKS endpoint)'
          : 'aws-cdk-lib\'s Provider framework function calls only Lambda, Step Functions and the CloudFormation response URL, '
            + 'and reads no data in a VPC')),
      ]);
    } else if (child instanceof iam.CfnRole) {
      const policies = JSON.stringify(Stack.of(child).resolve(child.managedPolicyArns) ?? []);
      const used = LAMBDA_MANAGED_POLICIES.filter((name) => policies.includes(`/${name}`));
      if (used.length === 0) continue;
      suppressNag(child, [{
        id: 'AwsSolutions-IAM4',
        reason: used.length > 1
          ? 'The Lambda functions write their logs with AWSLambdaBasicExecutionRole and manage their network interfaces in the VPC '
            + 'with AWSLambdaVPCAccessExecutionRole, the managed policies aws-cdk-lib gives every Lambda function in a VPC'
          : 'The Lambda functions write their logs with AWSLambdaBasicExecutionRole, as every CDK custom resource does',
        appliesTo: used.map((name) => `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`),
      }]);
    } else if (child instanceof iam.Policy) {
      // the framework's roles invoke their functions and every version of them (`<function arn>:*`)
      suppressWildcardFindings(child, resolvePolicy(child), (statement) =>
        statement.actions.every((a) => a === 'lambda:InvokeFunction')
          ? 'the Provider framework (aws-cdk-lib) invokes its functions and their versions'
          : undefined);
      suppressNag(child, packSuppressions('IAMNoInlinePolicy', 'CDK writes the grants of a role it creates for a Lambda function '
        + 'or state machine as the role\'s own inline default policy, created and deleted with it'));
    } else if (child instanceof sfn.CfnStateMachine) {
      suppressNag(child, [
        { id: 'AwsSolutions-SF1', reason: 'The Provider framework waiter state machine is managed by aws-cdk-lib; its Lambda functions log to CloudWatch' },
        { id: 'AwsSolutions-SF2', reason: 'The Provider framework waiter state machine is managed by aws-cdk-lib; X-Ray tracing is not needed for a polling loop' },
      ]);
    }
  }
}

/**
 * A custom resource of `kind` served by the stack's provider. Its handler gives up a minute
 * before `timeout` (the kind's default when not set), so its `TimeoutSeconds` is that.
 */
export function newHyperPodResource(scope: Construct, id: string, kind: ResourceKind, properties: Record<string, unknown>,
  timeout?: Duration, placement?: ProviderPlacement): CustomResource {
  return new CustomResource(scope, id, {
    serviceToken: HyperPodProvider.getOrCreate(scope, kind, placement).serviceToken,
    resourceType: RESOURCE_TYPES[kind],
    properties: { ...properties, TimeoutSeconds: handlerTimeoutSeconds(kind, timeout?.toSeconds()) },
  });
}
