import { Token } from 'aws-cdk-lib';

/**
 * An `ml.*` instance type for a HyperPod instance group.
 *
 * The constants cover common types. New types ship often, so use `InstanceType.of()` for
 * any other one (tokens are accepted too). Which types a Region offers differs; see the
 * SageMaker HyperPod pricing page.
 */
export class InstanceType {
  /** ml.t3.medium */
  public static readonly ML_T3_MEDIUM = InstanceType.of('ml.t3.medium');

  /** ml.t3.large */
  public static readonly ML_T3_LARGE = InstanceType.of('ml.t3.large');

  /** ml.t3.xlarge */
  public static readonly ML_T3_XLARGE = InstanceType.of('ml.t3.xlarge');

  /** ml.t3.2xlarge */
  public static readonly ML_T3_2XLARGE = InstanceType.of('ml.t3.2xlarge');

  /** ml.m5.large */
  public static readonly ML_M5_LARGE = InstanceType.of('ml.m5.large');

  /** ml.m5.xlarge */
  public static readonly ML_M5_XLARGE = InstanceType.of('ml.m5.xlarge');

  /** ml.m5.2xlarge */
  public static readonly ML_M5_2XLARGE = InstanceType.of('ml.m5.2xlarge');

  /** ml.m5.4xlarge */
  public static readonly ML_M5_4XLARGE = InstanceType.of('ml.m5.4xlarge');

  /** ml.m5.8xlarge */
  public static readonly ML_M5_8XLARGE = InstanceType.of('ml.m5.8xlarge');

  /** ml.m5.12xlarge */
  public static readonly ML_M5_12XLARGE = InstanceType.of('ml.m5.12xlarge');

  /** ml.m5.16xlarge */
  public static readonly ML_M5_16XLARGE = InstanceType.of('ml.m5.16xlarge');

  /** ml.m5.24xlarge */
  public static readonly ML_M5_24XLARGE = InstanceType.of('ml.m5.24xlarge');

  /** ml.m6i.large */
  public static readonly ML_M6I_LARGE = InstanceType.of('ml.m6i.large');

  /** ml.m6i.xlarge */
  public static readonly ML_M6I_XLARGE = InstanceType.of('ml.m6i.xlarge');

  /** ml.m6i.2xlarge */
  public static readonly ML_M6I_2XLARGE = InstanceType.of('ml.m6i.2xlarge');

  /** ml.m6i.4xlarge */
  public static readonly ML_M6I_4XLARGE = InstanceType.of('ml.m6i.4xlarge');

  /** ml.m6i.8xlarge */
  public static readonly ML_M6I_8XLARGE = InstanceType.of('ml.m6i.8xlarge');

  /** ml.m6i.12xlarge */
  public static readonly ML_M6I_12XLARGE = InstanceType.of('ml.m6i.12xlarge');

  /** ml.m6i.16xlarge */
  public static readonly ML_M6I_16XLARGE = InstanceType.of('ml.m6i.16xlarge');

  /** ml.m6i.24xlarge */
  public static readonly ML_M6I_24XLARGE = InstanceType.of('ml.m6i.24xlarge');

  /** ml.m6i.32xlarge */
  public static readonly ML_M6I_32XLARGE = InstanceType.of('ml.m6i.32xlarge');

  /** ml.m7i.large */
  public static readonly ML_M7I_LARGE = InstanceType.of('ml.m7i.large');

  /** ml.m7i.xlarge */
  public static readonly ML_M7I_XLARGE = InstanceType.of('ml.m7i.xlarge');

  /** ml.m7i.2xlarge */
  public static readonly ML_M7I_2XLARGE = InstanceType.of('ml.m7i.2xlarge');

  /** ml.m7i.4xlarge */
  public static readonly ML_M7I_4XLARGE = InstanceType.of('ml.m7i.4xlarge');

  /** ml.m7i.8xlarge */
  public static readonly ML_M7I_8XLARGE = InstanceType.of('ml.m7i.8xlarge');

  /** ml.m7i.12xlarge */
  public static readonly ML_M7I_12XLARGE = InstanceType.of('ml.m7i.12xlarge');

  /** ml.m7i.16xlarge */
  public static readonly ML_M7I_16XLARGE = InstanceType.of('ml.m7i.16xlarge');

  /** ml.m7i.24xlarge */
  public static readonly ML_M7I_24XLARGE = InstanceType.of('ml.m7i.24xlarge');

  /** ml.m7i.48xlarge */
  public static readonly ML_M7I_48XLARGE = InstanceType.of('ml.m7i.48xlarge');

  /** ml.c5.large */
  public static readonly ML_C5_LARGE = InstanceType.of('ml.c5.large');

  /** ml.c5.xlarge */
  public static readonly ML_C5_XLARGE = InstanceType.of('ml.c5.xlarge');

  /** ml.c5.2xlarge */
  public static readonly ML_C5_2XLARGE = InstanceType.of('ml.c5.2xlarge');

  /** ml.c5.4xlarge */
  public static readonly ML_C5_4XLARGE = InstanceType.of('ml.c5.4xlarge');

  /** ml.c5.9xlarge */
  public static readonly ML_C5_9XLARGE = InstanceType.of('ml.c5.9xlarge');

  /** ml.c5.12xlarge */
  public static readonly ML_C5_12XLARGE = InstanceType.of('ml.c5.12xlarge');

  /** ml.c5.18xlarge */
  public static readonly ML_C5_18XLARGE = InstanceType.of('ml.c5.18xlarge');

  /** ml.c5.24xlarge */
  public static readonly ML_C5_24XLARGE = InstanceType.of('ml.c5.24xlarge');

  /** ml.c6i.large */
  public static readonly ML_C6I_LARGE = InstanceType.of('ml.c6i.large');

  /** ml.c6i.xlarge */
  public static readonly ML_C6I_XLARGE = InstanceType.of('ml.c6i.xlarge');

  /** ml.c6i.2xlarge */
  public static readonly ML_C6I_2XLARGE = InstanceType.of('ml.c6i.2xlarge');

  /** ml.c6i.4xlarge */
  public static readonly ML_C6I_4XLARGE = InstanceType.of('ml.c6i.4xlarge');

  /** ml.c6i.8xlarge */
  public static readonly ML_C6I_8XLARGE = InstanceType.of('ml.c6i.8xlarge');

  /** ml.c6i.12xlarge */
  public static readonly ML_C6I_12XLARGE = InstanceType.of('ml.c6i.12xlarge');

  /** ml.c6i.16xlarge */
  public static readonly ML_C6I_16XLARGE = InstanceType.of('ml.c6i.16xlarge');

  /** ml.c6i.24xlarge */
  public static readonly ML_C6I_24XLARGE = InstanceType.of('ml.c6i.24xlarge');

  /** ml.c6i.32xlarge */
  public static readonly ML_C6I_32XLARGE = InstanceType.of('ml.c6i.32xlarge');

  /** ml.r6i.large */
  public static readonly ML_R6I_LARGE = InstanceType.of('ml.r6i.large');

  /** ml.r6i.xlarge */
  public static readonly ML_R6I_XLARGE = InstanceType.of('ml.r6i.xlarge');

  /** ml.r6i.2xlarge */
  public static readonly ML_R6I_2XLARGE = InstanceType.of('ml.r6i.2xlarge');

  /** ml.r6i.4xlarge */
  public static readonly ML_R6I_4XLARGE = InstanceType.of('ml.r6i.4xlarge');

  /** ml.r6i.8xlarge */
  public static readonly ML_R6I_8XLARGE = InstanceType.of('ml.r6i.8xlarge');

  /** ml.r6i.12xlarge */
  public static readonly ML_R6I_12XLARGE = InstanceType.of('ml.r6i.12xlarge');

  /** ml.r6i.16xlarge */
  public static readonly ML_R6I_16XLARGE = InstanceType.of('ml.r6i.16xlarge');

  /** ml.r6i.24xlarge */
  public static readonly ML_R6I_24XLARGE = InstanceType.of('ml.r6i.24xlarge');

  /** ml.r6i.32xlarge */
  public static readonly ML_R6I_32XLARGE = InstanceType.of('ml.r6i.32xlarge');

  /** ml.g5.xlarge */
  public static readonly ML_G5_XLARGE = InstanceType.of('ml.g5.xlarge');

  /** ml.g5.2xlarge */
  public static readonly ML_G5_2XLARGE = InstanceType.of('ml.g5.2xlarge');

  /** ml.g5.4xlarge */
  public static readonly ML_G5_4XLARGE = InstanceType.of('ml.g5.4xlarge');

  /** ml.g5.8xlarge */
  public static readonly ML_G5_8XLARGE = InstanceType.of('ml.g5.8xlarge');

  /** ml.g5.12xlarge */
  public static readonly ML_G5_12XLARGE = InstanceType.of('ml.g5.12xlarge');

  /** ml.g5.16xlarge */
  public static readonly ML_G5_16XLARGE = InstanceType.of('ml.g5.16xlarge');

  /** ml.g5.24xlarge */
  public static readonly ML_G5_24XLARGE = InstanceType.of('ml.g5.24xlarge');

  /** ml.g5.48xlarge */
  public static readonly ML_G5_48XLARGE = InstanceType.of('ml.g5.48xlarge');

  /** ml.g6.xlarge */
  public static readonly ML_G6_XLARGE = InstanceType.of('ml.g6.xlarge');

  /** ml.g6.2xlarge */
  public static readonly ML_G6_2XLARGE = InstanceType.of('ml.g6.2xlarge');

  /** ml.g6.4xlarge */
  public static readonly ML_G6_4XLARGE = InstanceType.of('ml.g6.4xlarge');

  /** ml.g6.8xlarge */
  public static readonly ML_G6_8XLARGE = InstanceType.of('ml.g6.8xlarge');

  /** ml.g6.12xlarge */
  public static readonly ML_G6_12XLARGE = InstanceType.of('ml.g6.12xlarge');

  /** ml.g6.16xlarge */
  public static readonly ML_G6_16XLARGE = InstanceType.of('ml.g6.16xlarge');

  /** ml.g6.24xlarge */
  public static readonly ML_G6_24XLARGE = InstanceType.of('ml.g6.24xlarge');

  /** ml.g6.48xlarge */
  public static readonly ML_G6_48XLARGE = InstanceType.of('ml.g6.48xlarge');

  /** ml.g6e.xlarge */
  public static readonly ML_G6E_XLARGE = InstanceType.of('ml.g6e.xlarge');

  /** ml.g6e.2xlarge */
  public static readonly ML_G6E_2XLARGE = InstanceType.of('ml.g6e.2xlarge');

  /** ml.g6e.4xlarge */
  public static readonly ML_G6E_4XLARGE = InstanceType.of('ml.g6e.4xlarge');

  /** ml.g6e.8xlarge */
  public static readonly ML_G6E_8XLARGE = InstanceType.of('ml.g6e.8xlarge');

  /** ml.g6e.12xlarge */
  public static readonly ML_G6E_12XLARGE = InstanceType.of('ml.g6e.12xlarge');

  /** ml.g6e.16xlarge */
  public static readonly ML_G6E_16XLARGE = InstanceType.of('ml.g6e.16xlarge');

  /** ml.g6e.24xlarge */
  public static readonly ML_G6E_24XLARGE = InstanceType.of('ml.g6e.24xlarge');

  /** ml.g6e.48xlarge */
  public static readonly ML_G6E_48XLARGE = InstanceType.of('ml.g6e.48xlarge');

  /** ml.p4d.24xlarge */
  public static readonly ML_P4D_24XLARGE = InstanceType.of('ml.p4d.24xlarge');

  /** ml.p4de.24xlarge */
  public static readonly ML_P4DE_24XLARGE = InstanceType.of('ml.p4de.24xlarge');

  /** ml.p5.48xlarge */
  public static readonly ML_P5_48XLARGE = InstanceType.of('ml.p5.48xlarge');

  /** ml.p5e.48xlarge */
  public static readonly ML_P5E_48XLARGE = InstanceType.of('ml.p5e.48xlarge');

  /** ml.p5en.48xlarge */
  public static readonly ML_P5EN_48XLARGE = InstanceType.of('ml.p5en.48xlarge');

  /** ml.p6-b200.48xlarge */
  public static readonly ML_P6_B200_48XLARGE = InstanceType.of('ml.p6-b200.48xlarge');

  /** ml.trn1.32xlarge */
  public static readonly ML_TRN1_32XLARGE = InstanceType.of('ml.trn1.32xlarge');

  /** ml.trn1n.32xlarge */
  public static readonly ML_TRN1N_32XLARGE = InstanceType.of('ml.trn1n.32xlarge');

  /** ml.trn2.48xlarge */
  public static readonly ML_TRN2_48XLARGE = InstanceType.of('ml.trn2.48xlarge');

  /**
   * An instance type by name, for example `InstanceType.of('ml.p5.48xlarge')`.
   *
   * @param instanceType the `ml.`-prefixed instance type name, or a token
   */
  public static of(instanceType: string): InstanceType {
    return new InstanceType(instanceType);
  }

  /**
   * @param instanceType the `ml.`-prefixed instance type name, or a token
   */
  private constructor(private readonly instanceType: string) {}

  /**
   * Whether the name is a token that is resolved only at deploy time.
   */
  public get isUnresolved(): boolean {
    return Token.isUnresolved(this.instanceType);
  }

  /**
   * The instance type name, for example `ml.g5.8xlarge`.
   */
  public toString(): string {
    return this.instanceType;
  }
}
