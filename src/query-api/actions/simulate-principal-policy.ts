import { principalFromArn, simulatePrincipalPolicy } from '../../policies/simulator.service.ts';
import { defineAction } from '../action.ts';
import { list, str } from '../params.ts';
import { IP } from './iam-policy-shared.ts';
import { CONTEXT_ENTRIES, contextFromEntries, simulationXml } from './simulate-shared.ts';

const PARAMS = {
  PolicySourceArn: str({ min: 20, max: 2048, required: true }),
  ActionNames: list(str({ min: 3, max: 128 }), { required: true }),
  ResourceArns: list(str({ min: 1, max: 2048 })),
  ContextEntries: CONTEXT_ENTRIES,
  PolicyInputList: list(IP.policyDocument()),
};

/**
 * SimulatePrincipalPolicy(PolicySourceArn, ActionNames, ResourceArns?, PolicyInputList?, ContextEntries?)
 * → EvaluationResults: for each action and resource, EvalDecision (allowed,
 * explicitDeny, implicitDeny), MatchedStatements and MissingContextValues. The source is
 * a user of the caller's account (its groups' policies count too) or a role, simulated as one
 * of its sessions would act.
 */
export const SimulatePrincipalPolicy = defineAction({
  name: 'SimulatePrincipalPolicy',
  service: 'iam',
  permission: 'iam:SimulatePrincipalPolicy',
  params: PARAMS,
  resource: (_ctx, p) => p.PolicySourceArn,
  async run(ctx, p) {
    const principal = await principalFromArn(ctx.deps, ctx.caller.principal.accountId, p.PolicySourceArn);
    const results = await simulatePrincipalPolicy(ctx.deps, principal, {
      actionNames: p.ActionNames,
      ...(p.ResourceArns ? { resourceArns: p.ResourceArns } : {}),
      ...(p.PolicyInputList ? { policyInputList: p.PolicyInputList } : {}),
      contextEntries: contextFromEntries(p.ContextEntries),
    });
    return simulationXml(results);
  },
});
