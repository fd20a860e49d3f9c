import { simulateCustomPolicy } from '../../policies/simulator.service.ts';
import { defineAction } from '../action.ts';
import { list, str } from '../params.ts';
import { IP } from './iam-policy-shared.ts';
import { CONTEXT_ENTRIES, contextFromEntries, simulationXml } from './simulate-shared.ts';

const PARAMS = {
  PolicyInputList: list(IP.policyDocument(), { required: true }),
  ActionNames: list(str({ min: 3, max: 128 }), { required: true }),
  ResourceArns: list(str({ min: 1, max: 2048 })),
  ContextEntries: CONTEXT_ENTRIES,
};

/** SimulateCustomPolicy(PolicyInputList, ActionNames, ResourceArns?, ContextEntries?) → EvaluationResults for the given documents alone. */
export const SimulateCustomPolicy = defineAction({
  name: 'SimulateCustomPolicy',
  service: 'iam',
  permission: 'iam:SimulateCustomPolicy',
  params: PARAMS,
  resource: () => '*',
  async run(_ctx, p) {
    return simulationXml(
      simulateCustomPolicy({
        actionNames: p.ActionNames,
        policyInputList: p.PolicyInputList,
        contextEntries: contextFromEntries(p.ContextEntries),
        ...(p.ResourceArns ? { resourceArns: p.ResourceArns } : {}),
      }),
    );
  },
});
