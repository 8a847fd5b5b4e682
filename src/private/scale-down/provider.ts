import { Duration, Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { IsCompleteFunction } from './is-complete-function';
import { OnEventFunction } from './on-event-function';
import { suppressNag } from '../nag';
import { scaleDownStatements } from '../permissions';

/** The Provider framework polls at most 1 hour (aws-cdk-lib's limit; ServiceTimeout is capped at 3600 s too). */
export const MAX_SCALE_DOWN_TIMEOUT = Duration.hours(1);
export const DEFAULT_SCALE_DOWN_TIMEOUT = Duration.minutes(30);
const QUERY_INTERVAL = Duration.seconds(30);

/**
 * The stack-wide provider of `Custom::HyperPodScaleDown`: onEvent plans and starts the
 * deletes, isComplete polls until the chosen nodes are shutting down or gone. One per stack
 * and timeout, shared by every cluster in the stack.
 */
export class ScaleDownProvider extends Construct {
  public static getOrCreate(scope: Construct, timeout: Duration = DEFAULT_SCALE_DOWN_TIMEOUT): ScaleDownProvider {
    const stack = Stack.of(scope);
    const seconds = timeout.toSeconds(); // timeouts come in 30-second steps, not whole minutes
    const id = seconds === DEFAULT_SCALE_DOWN_TIMEOUT.toSeconds()
      ? 'HyperPodScaleDownProvider'
      : `HyperPodScaleDownProvider${seconds}s`;
    return (stack.node.tryFindChild(id) as ScaleDownProvider | undefined) ?? new ScaleDownProvider(stack, id, timeout);
  }

  public readonly serviceToken: string;

  private constructor(scope: Construct, id: string, timeout: Duration) {
    super(scope, id);
    const onEvent = new OnEventFunction(this, 'OnEvent', {
      description: 'hyperpod-cdk targeted scale-down: plans and starts node removals',
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    const isComplete = new IsCompleteFunction(this, 'IsComplete', {
      description: 'hyperpod-cdk targeted scale-down: polls until the chosen nodes are gone',
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    for (const fn of [onEvent, isComplete]) {
      for (const statement of scaleDownStatements(this)) {
        fn.addToRolePolicy(statement);
      }
    }
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
}
