import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DataStore } from '../constructs/data-store.ts';
import type { Topology } from '../topology.ts';

export interface DataStackProps extends StackProps {
  readonly topology: Pick<Topology, 'table'>;
}

/** The stateful core: the single table and the data key. Everything else depends on it; it depends on nothing. */
export class DataStack extends Stack {
  readonly data: DataStore;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.data = new DataStore(this, 'Data', { table: props.topology.table });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
  }
}
