import type { ContextValue } from '../../policy-engine/context.ts';
import type { SimulationResult } from '../../policies/simulator.service.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { list, str, structList } from '../params.ts';
import type { XmlObject } from '../xml.ts';

const KEY_TYPES = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
];

/** `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`, as AWS's simulator takes them. */
export const CONTEXT_ENTRIES = structList({
  ContextKeyName: str({ min: 5, max: 256, required: true }),
  ContextKeyValues: list(str({ max: 1024 }), { max: 100 }),
  ContextKeyType: str({ pattern: new RegExp(`^(${KEY_TYPES.join('|')})$`), patternText: KEY_TYPES.join('|') }),
});

/**
 * The condition context the entries describe: a list type gives the key every value, any
 * other type exactly one. The principal's own keys (aws:username, …) are added by the
 * simulator afterwards and cannot be overridden here.
 */
export function contextFromEntries(
  entries: Array<{ ContextKeyName: string; ContextKeyValues: string[]; ContextKeyType?: string }> | undefined,
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {};
  for (const entry of entries ?? []) {
    const type = entry.ContextKeyType ?? 'string';
    if (type.endsWith('List')) {
      context[entry.ContextKeyName] = entry.ContextKeyValues;
    } else if (entry.ContextKeyValues.length === 1) {
      context[entry.ContextKeyName] = entry.ContextKeyValues[0]!;
    } else {
      throw new GatehouseError(
        'InvalidInput',
        `Context key ${entry.ContextKeyName} of type ${type} needs exactly one value; use ${type}List for several.`,
      );
    }
  }
  return context;
}

/** The EvaluationResults shape both simulator Actions answer with. */
export function simulationXml(results: SimulationResult[]): XmlObject {
  return {
    EvaluationResults: results.map((r) => ({
      EvalActionName: r.evalActionName,
      EvalResourceName: r.evalResourceName,
      EvalDecision: r.evalDecision,
      MatchedStatements: r.matchedStatements.map((m) => ({
        SourcePolicyId: m.sourcePolicyId,
        SourcePolicyType: m.sourcePolicyType,
      })),
      MissingContextValues: r.missingContextValues,
      PermissionsBoundaryDecisionDetail:
        r.allowedByPermissionsBoundary === undefined
          ? undefined
          : { AllowedByPermissionsBoundary: r.allowedByPermissionsBoundary },
    })),
    IsTruncated: false,
  };
}
