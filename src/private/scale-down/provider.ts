import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { IsCompleteFunction } from './is-complete-function';
import { OnEventFunction } from './on-event-function';
import { suppressNag } from '../nag';
import { handlerStatements } from '../permissions';
import { OWNER_TAG_KEY } from './types';

/** The Provider framework polls at most 1 hour (aws-cdk-lib's limit; ServiceTimeout is capped at 3600 s too). */
export const MAX_SCALE_DOWN_TIMEOUT = Duration.hours(1);
export const DEFAULT_SCALE_DOWN_TIMEOUT = Duration.minutes(30);
const QUERY_INTERVAL = Duration.seconds(30);
/** The provider's construct id in the stack: one per stack, whatever the options. */
export const PROVIDER_ID = 'HyperPodScaleDownProvider';
/** A handler gives up (with a message naming what is left) this long before its resource's timeout. */
export const HANDLER_TIMEOUT_MARGIN = Duration.minutes(1);

/** What a provider's functions are allowed to do; each use adds its own IAM statement once. */
export type ProviderUse = 'scaleDown' | 'capacity' | 'preflight';

/**
 * The stack-wide provider of the library's custom resources, `Custom::HyperPodScaleDown`
 * (onEvent plans and starts the deletes, isComplete polls until the chosen nodes are gone) and
 * `Custom::HyperPodCapacity` (isComplete polls until a group has enough Running nodes) and
 * `Custom::HyperPodPreflight` (checks the EKS cluster before the HyperPod cluster). The
 * Lambda entries route on the resource type. One per stack, shared by every cluster in it.
 */
export class ScaleDownProvider extends Construct {
  /**
   * The stack's provider. It polls for the longest time any resource may take (1 hour); each
   * resource's own timeout travels as its `TimeoutSeconds` property, so changing a timeout
   * never changes a `ServiceToken` (CloudFormation refuses that).
   */
  public static getOrCreate(scope: Construct, use: ProviderUse): ScaleDownProvider {
    const stack = Stack.of(scope);
    const provider = (stack.node.tryFindChild(PROVIDER_ID) as ScaleDownProvider | undefined)
      ?? new ScaleDownProvider(stack, PROVIDER_ID, use, MAX_SCALE_DOWN_TIMEOUT);
    provider.allow(use);
    return provider;
  }

  public readonly serviceToken: string;
  private readonly functions: lambda.IFunction[];
  private readonly uses = new Set<ProviderUse>();

  private constructor(scope: Construct, id: string, use: ProviderUse, timeout: Duration) {
    super(scope, id);
    const onEvent = new OnEventFunction(this, 'OnEvent', {
      description: 'hyperpod-cdk: plans and starts targeted scale-downs, starts capacity waits',
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      description: 'hyperpod-cdk: polls until chosen nodes are gone, or until groups have their Running nodes',
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    this.functions = [onEvent, isComplete];
    this.allow(use); // before the suppressions below, which reach only the children that exist
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: QUERY_INTERVAL,
      totalTimeout: timeout,
    });
    this.serviceToken = provider.serviceToken;
    suppressNag(this, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'The Lambda functions use AWSLambdaBasicExecutionRole to write their logs, as every CDK custom resource does',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'A HyperPod cluster ARN holds an id that exists only after creation and the handler runs before the cluster resource, so it is scoped to the clusters of this account and Region; the Provider framework may invoke every version of its own functions',
      },
      { id: 'AwsSolutions-L1', reason: 'The runtime is pinned on purpose so templates do not drift; it is raised with the library' },
      { id: 'AwsSolutions-SF1', reason: 'The Provider framework waiter state machine is managed by aws-cdk-lib; its Lambda functions log to CloudWatch' },
      { id: 'AwsSolutions-SF2', reason: 'The Provider framework waiter state machine is managed by aws-cdk-lib; X-Ray tracing is not needed for a polling loop' },
    ], true);
  }

  /** Grants the functions what `use` calls, once. */
  private allow(use: ProviderUse): void {
    if (this.uses.has(use)) {
      return;
    }
    this.uses.add(use);
    for (const fn of this.functions) {
      for (const statement of handlerStatements(this, use, OWNER_TAG_KEY)) {
        fn.addToRolePolicy(statement);
      }
    }
  }
}
