import type { SimulationResult } from '../../policies/simulator.service.ts';
import type { XmlObject } from '../xml.ts';

/** The EvaluationResults shape both simulator Actions answer with. */
export function simulationXml(results: SimulationResult[]): XmlObject {
  return {
    EvaluationResults: results.map((r) => ({
      EvalActionName: r.evalActionName,
      EvalResourceName: r.evalResourceName,
      EvalDecision: r.evalDecision,
      MatchedStatements: r.matchedStatements.map((m) => ({ SourcePolicyId: m.sourcePolicyId, SourcePolicyType: m.sourcePolicyType })),
      MissingContextValues: r.missingContextValues,
    })),
    IsTruncated: false,
  };
}
