/**
 * Injected errors of a stand-in: the next `count` calls (of one operation, or of any) answer
 * with an error of a status and type, in the order they were added.
 */
export interface Fault {
  readonly status: number;
  readonly type: string;
}

export class FaultQueue<Op extends string = string> {
  private readonly faults: Array<Fault & { op?: Op; left: number }> = [];

  /** The next `count` calls (of `op`, or any) answer with this error. */
  public add(count: number, status: number, type: string, op?: Op): void {
    this.faults.push({ op, status, type, left: count });
  }

  /** The error this call of `op` answers with, if any (and one fewer left). */
  public take(op: Op): Fault | undefined {
    const fault = this.faults.find((f) => f.left > 0 && (!f.op || f.op === op));
    if (fault) fault.left--;
    return fault;
  }
}
