/**
 * A local stand-in of the SageMaker awsJson1_1 API (ListClusterNodes, DescribeCluster,
 * BatchDeleteClusterNodes, ListClusterEvents, DescribeClusterEvent, ListTags) for one HyperPod
 * cluster, on 127.0.0.1 and a random port, with
 * fault injection. The real AWS SDK client talks to it (endpoint override or the
 * `AWS_ENDPOINT_URL_SAGEMAKER` variable).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { FaultQueue } from './faults';

/** A node of the fake cluster. */
export interface FakeNode {
  group: string;
  instanceId?: string;
  logicalId?: string;
  status: string;
  /** `InstanceStatus.Message`. */
  message?: string;
  /** Epoch seconds. */
  launchTime: number;
  /** Listing number from which a node that is shutting down is no longer listed. */
  vanishAtListing?: number;
}

/** Options of `FakeSageMaker.start`. */
export interface FakeSageMakerOptions {
  /** @default 'demo' */
  readonly clusterName?: string;
  /** Group names and target counts; groups of `nodes` not named here get a target of their node count. */
  readonly groups?: ReadonlyArray<{ readonly name: string; readonly targetCount?: number }>;
  readonly nodes?: ReadonlyArray<Omit<FakeNode, 'vanishAtListing'>>;
  /** Delay before every answer, in ms. @default 0 */
  readonly latencyMs?: number;
  /**
   * In how many later listings (ListClusterNodes calls without NextToken) an accepted node
   * still appears as ShuttingDown before it disappears. @default 1
   */
  readonly shutdownListings?: number;
}

/** A cluster event of the stand-in. */
export interface FakeEvent {
  id: string;
  /** Epoch seconds. */
  time: number;
  level: 'Info' | 'Warn' | 'Error';
  resourceType: 'Cluster' | 'InstanceGroup' | 'Instance';
  group?: string;
  instanceId?: string;
  description?: string;
  /** Returned by DescribeClusterEvent in the metadata member that fits `resourceType`. */
  failureMessage?: string;
}

/** One BatchDeleteClusterNodes request as the stand-in saw it. */
export interface DeleteCall {
  readonly nodeIds: string[];
  readonly logicalIds: string[];
  /** `ok`, `lost` (applied, then the connection was dropped), or the error type sent. */
  outcome: string;
}

interface NodeFault { code: string; message: string; times: number }

const ID_PATTERN = /^i-[a-f0-9]{8}(?:[a-f0-9]{9})?$/;

/** The stack id the test requests carry; the stand-in's cluster is tagged with it by default. */
export const TEST_STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/demo-stack/11111111-2222-3333-4444-555555555555';

/** The stand-in. Tweak its public fields between calls to inject faults. */
export class FakeSageMaker {
  /** Starts a stand-in listening on 127.0.0.1:0. */
  public static async start(options: FakeSageMakerOptions = {}): Promise<FakeSageMaker> {
    const fake = new FakeSageMaker(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  public url = '';
  public readonly clusterName: string;
  /** When false, every operation answers ResourceNotFound. */
  public clusterExists = true;
  /** When false, accepted deletes leave the group's TargetCount as it was. */
  public targetCountDrops = true;
  /** `ClusterStatus` DescribeCluster answers. */
  public clusterStatus = 'InService';
  /** The cluster's tags (ListTags); by default the owner tag of `TEST_STACK_ID`. */
  public tags: Record<string, string> = { 'hyperpod-cdk:stack-id': TEST_STACK_ID };
  /** `Continuous` by default; anything else makes the event operations answer ValidationException. */
  public provisioningMode = 'Continuous';
  /** When true, the event operations answer AccessDeniedException. */
  public eventsDenied = false;
  /** Cluster events (any order; answers sort them). Add with `addEvent`. */
  public readonly events: FakeEvent[] = [];
  /** Called before every answer with the operation name: lets a test move nodes along as time passes. */
  public onCall?: (op: string, fake: FakeSageMaker) => void;
  public readonly clusterArn = 'arn:aws:sagemaker:us-east-1:123456789012:cluster/abcdef123456';
  public latencyMs: number;
  public shutdownListings: number;
  /** Requests received, by operation (faulted ones included). */
  public readonly calls: Record<string, number> = {};
  public readonly deleteCalls: DeleteCall[] = [];
  /** Ids (instance id, or logical id when deleted by it) of accepted nodes, in order. */
  public readonly removed: string[] = [];
  public readonly nodes: FakeNode[];
  public readonly targetCounts = new Map<string, number>();

  private readonly server: http.Server;
  private listing = 0;
  private readonly snapshots = new Map<string, FakeNode[]>();
  private readonly faults = new FaultQueue();
  private readonly nodeFaults = new Map<string, NodeFault>();
  private lostResponses = 0;

  private constructor(options: FakeSageMakerOptions) {
    this.clusterName = options.clusterName ?? 'demo';
    this.latencyMs = options.latencyMs ?? 0;
    this.shutdownListings = options.shutdownListings ?? 1;
    this.nodes = (options.nodes ?? []).map((n) => ({ ...n }));
    for (const node of this.nodes) {
      this.targetCounts.set(node.group, (this.targetCounts.get(node.group) ?? 0) + 1);
    }
    for (const group of options.groups ?? []) {
      this.targetCounts.set(group.name, group.targetCount ?? this.targetCounts.get(group.name) ?? 0);
    }
    this.server = http.createServer((req, res) => this.receive(req, res));
  }

  /** The next `count` calls (of `op`, or any) answer with an error of this status and type. */
  public fail(count: number, status: number, type: string, op?: string): void {
    this.faults.add(count, status, type, op);
  }

  /** The next `count` calls (of `op`, or any) answer 400 ThrottlingException. */
  public throttle(count: number, op?: string): void {
    this.fail(count, 400, 'ThrottlingException', op);
  }

  /** The next `count` calls (of `op`, or any) answer 500 InternalFailure. */
  public serverError(count: number, op?: string): void {
    this.fail(count, 500, 'InternalFailure', op);
  }

  /** The next `count` BatchDeleteClusterNodes calls are applied, then the connection is dropped. */
  public loseResponses(count: number): void {
    this.lostResponses += count;
  }

  /** The next `times` deletes of node `id` (instance or logical id) fail with `code`. */
  public failNode(id: string, code: string, times = 1, message = `node ${id}: ${code}`): void {
    this.nodeFaults.set(id, { code, message, times });
  }

  /** Adds an event (id and time made up when absent) and returns it. */
  public addEvent(event: Partial<FakeEvent> & Pick<FakeEvent, 'level' | 'resourceType'>): FakeEvent {
    const n = this.events.length + 1;
    const full: FakeEvent = {
      id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
      time: 1_700_000_000 + n,
      ...event,
    };
    this.events.push(full);
    return full;
  }

  /** Nodes of `group` that are still listed (not vanished), optionally with a status. */
  public nodesOf(group: string, status?: string): FakeNode[] {
    return this.live().filter((n) => n.group === group && (!status || n.status === status));
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace(/^SageMaker\./, '');
      const raw = Buffer.concat(chunks).toString('utf8');
      const input = raw ? JSON.parse(raw) : {};
      this.calls[op] = (this.calls[op] ?? 0) + 1;
      this.onCall?.(op, this);
      const answer = this.answer(op, input);
      const reply = () => {
        if (answer.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(answer.body));
      };
      if (this.latencyMs > 0) {
        setTimeout(reply, this.latencyMs);
      } else {
        reply();
      }
    });
  }

  private answer(op: string, input: any): { status: number; body: unknown; drop?: boolean } {
    const error = (status: number, type: string, message: string) => ({ status, body: { __type: type, message } });
    const fault = this.faults.take(op);
    const deleteCall: DeleteCall | undefined = op === 'BatchDeleteClusterNodes'
      ? { nodeIds: input.NodeIds ?? [], logicalIds: input.NodeLogicalIds ?? [], outcome: 'ok' } : undefined;
    if (deleteCall) {
      this.deleteCalls.push(deleteCall);
    }
    if (fault) {
      if (deleteCall) {
        deleteCall.outcome = fault.type;
      }
      return error(fault.status, fault.type, `injected ${fault.type}`);
    }
    if (!['ListClusterNodes', 'DescribeCluster', 'BatchDeleteClusterNodes', 'ListClusterEvents', 'DescribeClusterEvent', 'ListTags'].includes(op)) {
      return error(400, 'UnknownOperationException', `unknown operation ${op}`);
    }
    if (op === 'ListTags') {
      if (!this.clusterExists || input.ResourceArn !== this.clusterArn) {
        return error(400, 'ResourceNotFound', `Resource ${input.ResourceArn} not found`);
      }
      return { status: 200, body: { Tags: Object.entries(this.tags).map(([Key, Value]) => ({ Key, Value })) } };
    }
    if (!this.clusterExists || input.ClusterName !== this.clusterName) {
      if (deleteCall) {
        deleteCall.outcome = 'ResourceNotFound';
      }
      return error(400, 'ResourceNotFound', `Cluster ${input.ClusterName} not found`);
    }
    if (op === 'DescribeCluster') {
      return { status: 200, body: this.describe() };
    }
    if (op === 'ListClusterNodes') {
      return this.list(input) ?? error(400, 'ValidationException', 'MaxResults must be 1-100 and NextToken valid');
    }
    if (op === 'ListClusterEvents' || op === 'DescribeClusterEvent') {
      if (this.eventsDenied) {
        return error(400, 'AccessDeniedException', `not authorized to perform sagemaker:${op}`);
      }
      if (this.provisioningMode !== 'Continuous') {
        return error(400, 'ValidationException', 'Cluster events are only supported when NodeProvisioningMode is Continuous');
      }
      return op === 'ListClusterEvents' ? this.listEvents(input) : this.describeEvent(input);
    }
    const invalid = this.validateDelete(deleteCall!);
    if (invalid) {
      deleteCall!.outcome = 'ValidationException';
      return error(400, 'ValidationException', invalid);
    }
    const body = this.applyDelete(deleteCall!);
    if (this.lostResponses > 0) {
      this.lostResponses--;
      deleteCall!.outcome = 'lost';
      return { status: 200, body, drop: true };
    }
    return { status: 200, body };
  }

  private live(): FakeNode[] {
    return this.nodes.filter((n) => n.vanishAtListing === undefined || n.vanishAtListing > this.listing);
  }

  private describe(): unknown {
    const groups = [...this.targetCounts.keys()];
    const live = this.live();
    return {
      ClusterArn: this.clusterArn,
      ClusterName: this.clusterName,
      ClusterStatus: this.clusterStatus,
      ...(this.provisioningMode === 'Continuous' ? { NodeProvisioningMode: 'Continuous' } : {}),
      InstanceGroups: groups.map((name) => ({
        InstanceGroupName: name,
        InstanceType: 'ml.m5.xlarge',
        Status: 'InService',
        TargetCount: this.targetCounts.get(name),
        CurrentCount: live.filter((n) => n.group === name && n.instanceId && n.status !== 'ShuttingDown').length,
      })),
    };
  }

  private list(input: any): { status: number; body: unknown } | undefined {
    const max = input.MaxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return undefined;
    }
    let key: string;
    let offset: number;
    if (input.NextToken) {
      [key, offset] = [String(input.NextToken).split(':')[0], Number(String(input.NextToken).split(':')[1])];
      if (!this.snapshots.has(key)) {
        return undefined;
      }
    } else {
      this.listing++;
      key = `l${this.listing}`;
      offset = 0;
      const filter = input.InstanceGroupNameContains as string | undefined;
      const withLogical = input.IncludeNodeLogicalIds === true;
      this.snapshots.set(key, this.live()
        .filter((n) => (!filter || n.group.includes(filter)) && (withLogical || n.instanceId))
        .sort((a, b) => a.launchTime - b.launchTime || (a.instanceId ?? a.logicalId ?? '').localeCompare(b.instanceId ?? b.logicalId ?? '')));
    }
    const all = this.snapshots.get(key)!;
    const page = all.slice(offset, offset + max);
    const next = offset + max < all.length ? `${key}:${offset + max}` : undefined;
    if (!next) {
      this.snapshots.delete(key);
    }
    return {
      status: 200,
      body: {
        NextToken: next,
        ClusterNodeSummaries: page.map((n) => ({
          InstanceGroupName: n.group,
          ...(n.instanceId ? { InstanceId: n.instanceId } : {}),
          ...(n.logicalId && input.IncludeNodeLogicalIds === true ? { NodeLogicalId: n.logicalId } : {}),
          InstanceType: 'ml.m5.xlarge',
          LaunchTime: n.launchTime,
          InstanceStatus: { Status: n.status, ...(n.message ? { Message: n.message } : {}) },
        })),
      },
    };
  }

  private eventSummary(e: FakeEvent): Record<string, unknown> {
    return {
      EventId: e.id,
      ClusterArn: this.clusterArn,
      ClusterName: this.clusterName,
      ...(e.group ? { InstanceGroupName: e.group } : {}),
      ...(e.instanceId ? { InstanceId: e.instanceId } : {}),
      ResourceType: e.resourceType,
      EventTime: e.time,
      ...(e.description ? { Description: e.description } : {}),
      EventLevel: e.level,
    };
  }

  private listEvents(input: any): { status: number; body: unknown } {
    const max = input.MaxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return { status: 400, body: { __type: 'ValidationException', message: 'MaxResults must be 1-100' } };
    }
    const sign = input.SortOrder === 'Ascending' ? 1 : -1;
    const events = this.events
      .filter((e) => (!input.InstanceGroupName || e.group === input.InstanceGroupName)
        && (input.EventTimeAfter === undefined || e.time > input.EventTimeAfter)
        && (!input.ResourceType || e.resourceType === input.ResourceType))
      .sort((a, b) => sign * (a.time - b.time))
      .slice(0, max);
    return { status: 200, body: { Events: events.map((e) => this.eventSummary(e)) } };
  }

  private describeEvent(input: any): { status: number; body: unknown } {
    const event = this.events.find((e) => e.id === input.EventId);
    if (!event) {
      return { status: 400, body: { __type: 'ResourceNotFound', message: `Event ${input.EventId} not found` } };
    }
    const member = event.resourceType === 'Instance' ? 'Instance' : event.resourceType === 'InstanceGroup' ? 'InstanceGroup' : 'Cluster';
    return {
      status: 200,
      body: {
        EventDetails: {
          ...this.eventSummary(event),
          EventDetails: { EventMetadata: { [member]: event.failureMessage ? { FailureMessage: event.failureMessage } : {} } },
        },
      },
    };
  }

  private validateDelete(call: DeleteCall): string | undefined {
    if (call.nodeIds.length === 0 && call.logicalIds.length === 0) {
      return 'Specify NodeIds, NodeLogicalIds, or both';
    }
    if (call.nodeIds.length > 99) {
      return `NodeIds: ${call.nodeIds.length} ids, at most 99 allowed`;
    }
    if (call.logicalIds.length > 50) {
      return `NodeLogicalIds: ${call.logicalIds.length} ids, at most 50 allowed`;
    }
    const bad = call.nodeIds.find((id) => !ID_PATTERN.test(id));
    return bad ? `NodeIds: ${bad} does not match ${ID_PATTERN.source}` : undefined;
  }

  private applyDelete(call: DeleteCall): Record<string, unknown> {
    const byId = new Map<string, FakeNode>();
    const wanted = new Set([...call.nodeIds, ...call.logicalIds]);
    for (const node of this.live()) {
      for (const key of [node.instanceId, node.logicalId]) {
        if (key && wanted.has(key)) {
          byId.set(key, node);
        }
      }
    }
    const body: Record<string, unknown[]> = {};
    const push = (field: string, value: unknown) => (body[field] = body[field] ?? []).push(value);
    const one = (id: string, logical: boolean) => {
      const [okField, failField, idField] = logical
        ? ['SuccessfulNodeLogicalIds', 'FailedNodeLogicalIds', 'NodeLogicalId']
        : ['Successful', 'Failed', 'NodeId'];
      const fault = this.nodeFaults.get(id);
      if (fault && fault.times > 0) {
        fault.times--;
        return push(failField, { [idField]: id, Code: fault.code, Message: fault.message });
      }
      const node = byId.get(id);
      if (!node || (logical ? node.logicalId : node.instanceId) !== id) {
        return push(failField, { [idField]: id, Code: logical ? 'NodeLogicalIdNotFound' : 'NodeIdNotFound', Message: `${id} not found` });
      }
      if (node.status === 'ShuttingDown') {
        return push(failField, { [idField]: id, Code: 'InvalidNodeStatus', Message: `${id} is already shutting down` });
      }
      node.status = 'ShuttingDown';
      node.vanishAtListing = this.listing + this.shutdownListings + 1;
      this.removed.push(id);
      if (this.targetCountDrops) {
        this.targetCounts.set(node.group, Math.max(0, (this.targetCounts.get(node.group) ?? 0) - 1));
      }
      return push(okField, id);
    };
    call.nodeIds.forEach((id) => one(id, false));
    call.logicalIds.forEach((id) => one(id, true));
    return body;
  }
}

/** `count` Running nodes of `group` with distinct 17-digit ids, launched one minute apart from `start`. */
export function makeNodes(group: string, count: number, options: { start?: number; idBase?: number; status?: string } = {}):
Array<Omit<FakeNode, 'vanishAtListing'>> {
  const start = options.start ?? 1_700_000_000;
  const base = options.idBase ?? 0;
  return Array.from({ length: count }, (_, i) => ({
    group,
    instanceId: `i-${(base + i).toString(16).padStart(17, '0')}`,
    status: options.status ?? 'Running',
    launchTime: start + 60 * i,
  }));
}
